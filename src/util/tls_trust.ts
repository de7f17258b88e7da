/**
 * Which certificate authorities the tool's HTTPS trusts: Connect's, STS's
 * and Power BI's alike.
 *
 * Deno trusts only its bundled Mozilla roots unless told otherwise. A
 * company network that inspects HTTPS (Zscaler, Netskope, a proxy with its
 * own CA) re-signs every site with the company's root, which IT installs in
 * the Windows certificate store, where browsers find it: without that
 * store every call would fail with "invalid peer certificate". So the tool
 * also trusts the operating system's store, and a PEM file named by
 * AWS_CA_BUNDLE, the variable boto3 and the AWS CLI read (a machine set up
 * for the 2019 script may rely on it).
 *
 * Deno reads DENO_TLS_CA_STORE and NODE_EXTRA_CA_CERTS at the first TLS
 * connection, for fetch and node:https, so setting them before any request
 * is enough; a value the user set wins. The exe also has DENO_TLS_CA_STORE
 * built in (scripts/compile.ts), where it outranks the environment.
 */
import { ConfigError } from "./errors.ts";
import { unquoted } from "./text.ts";

/** The OS store (Windows certificate store, macOS keychain, /etc/ssl) and Deno's bundled roots. */
export const DEFAULT_CA_STORES = "system,mozilla";

/** Sets the trust variables the user left unset; a bad AWS_CA_BUNDLE is a ConfigError naming it. */
export function trustSystemCertificates(env: Pick<typeof Deno.env, "get" | "set"> = Deno.env): void {
  if (!env.get("DENO_TLS_CA_STORE")) env.set("DENO_TLS_CA_STORE", DEFAULT_CA_STORES);
  const bundle = unquoted(env.get("AWS_CA_BUNDLE") ?? "");
  if (!bundle || env.get("NODE_EXTRA_CA_CERTS")) return;
  let text: string;
  try {
    text = Deno.readTextFileSync(bundle);
  } catch (error) {
    throw new ConfigError(`AWS_CA_BUNDLE: cannot read ${bundle} (${(error as Error).message})`);
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    throw new ConfigError(`AWS_CA_BUNDLE: ${bundle} holds no certificate; expected a PEM file (BEGIN CERTIFICATE)`);
  }
  env.set("NODE_EXTRA_CA_CERTS", bundle);
}

/** A server certificate no trusted root signed: node:https's error codes and Deno fetch's words. */
const UNTRUSTED_CERTIFICATE =
  /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_UNTRUSTED|UnknownIssuer/;

/** Whether an error's code or message says the server's certificate is not trusted. */
export function isUntrustedCertificate(codeOrMessage: string): boolean {
  return UNTRUSTED_CERTIFICATE.test(codeOrMessage);
}

/** What an analyst can do about it, whichever server it was. */
export const UNTRUSTED_CERTIFICATE_HINT =
  "if the company inspects HTTPS, its root certificate must be in the Windows certificate store (ask IT), " +
  "or in a PEM file named by AWS_CA_BUNDLE";
