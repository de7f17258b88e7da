/**
 * Keeping secrets out of everything the tool prints or writes: the Power BI
 * push key, AWS secret keys and session tokens. Secrets the tool handles are
 * registered as they are read; patterns catch what slips past.
 */

const registered = new Set<string>();

/**
 * Remember a secret so that `redact` masks it wherever it appears, in every
 * form a message may carry it: as typed, %-encoded (a URL in an error body),
 * %-decoded, and JSON-escaped.
 */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 8) return;
  const forms = [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)];
  try {
    forms.push(decodeURIComponent(value));
  } catch {
    // not %-encoded
  }
  for (const form of forms) if (form.length >= 8) registered.add(form);
}

const PATTERNS: [RegExp, string][] = [
  // Query-string secrets: Power BI's key=, SigV4 presigned parts.
  [/([?&](?:key|sig|X-Amz-Security-Token|X-Amz-Signature|X-Amz-Credential)=)[^&\s"')]+/gi, "$1***"],
  // Secrets named in ini or JSON text.
  [
    /((?:aws_secret_access_key|aws_session_token|secretAccessKey|sessionToken|SharedAccessKey)["']?\s*[=:]\s*["']?)[^\s"',;]+/gi,
    "$1***",
  ],
  // A login inside a URL (a proxy's): keep the user name.
  [/(\/\/[^\s/:@]+:)[^\s/@]+@/g, "$1***@"],
  // Access key ids: keep the prefix that says which kind.
  [/\b((?:AKIA|ASIA)[A-Z0-9]{4})[A-Z0-9]{12}\b/g, "$1************"],
];

/** The text with every known secret masked. */
export function redact(text: string): string {
  let out = text;
  // Longest first, so that a URL holding a key is masked whole before the key alone.
  for (const secret of [...registered].sort((a, b) => b.length - a.length)) out = out.split(secret).join("***");
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
