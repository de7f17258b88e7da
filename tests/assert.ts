/**
 * Assertions on node:assert/strict (JSR's @std/assert is out of reach
 * here), in the shape the tests read best.
 */
import assert from "node:assert/strict";

export { assert };

export const assertEquals = <T>(actual: T, expected: T, message?: string): void =>
  assert.deepStrictEqual(actual, expected, message);
export const assertMatch = (actual: string, pattern: RegExp, message?: string): void =>
  assert.match(actual, pattern, message);
export const assertNotMatch = (actual: string, pattern: RegExp, message?: string): void =>
  assert.doesNotMatch(actual, pattern, message);

/** Runs `fn`, asserts it throws an instance of `type`, returns the error. */
export function throws<E extends Error>(fn: () => unknown, type: new (...args: never[]) => E): E {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof type, `expected ${type.name}, got ${error}`);
    return error as E;
  }
  throw new assert.AssertionError({ message: `expected ${type.name} to be thrown` });
}

/** The async twin of `throws`. */
export async function rejects<E extends Error>(
  fn: () => Promise<unknown>,
  type: new (...args: never[]) => E,
): Promise<E> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof type, `expected ${type.name}, got ${error}`);
    return error as E;
  }
  throw new assert.AssertionError({ message: `expected ${type.name} to be thrown` });
}
