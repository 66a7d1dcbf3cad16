/**
 * Recognising secret-looking literals, for LL4006 in templates and in handler code. A value
 * is reported when its shape says "credential" on its own (an AWS access key id, a private
 * key block, a password in a connection string), or when the name it is stored under says
 * "secret" and the value looks like one (long, random, not a reference to a secret).
 */

/** Names that say the value is a credential: `DB_PASSWORD`, `apiKey`, `STRIPE_SECRET`, `authToken`. */
const SECRET_NAME =
  /(secret|token|passw(?:or)?d|passphrase|pwd|api_?key|access_?key|private_?key|signing_?key|encryption_?key|auth_?key|client_?key|credentials?)(?:_|$)/i;

/** Names that hold where a secret is, or something about it, rather than the secret. */
const REFERENCE_NAME =
  /(?:_|^)(arn|name|names|id|ids|path|param|parameter|ssm|url|uri|endpoint|host|table|bucket|queue|topic|header|ttl|expiry|expiration|expires|timeout|length|size|type|field|prefix|suffix|region|version|enabled|file|location|key_?id|secret_?id|limit|count|duration|seconds|minutes|hours|days|env|mode|issuer|audience|algorithm|alg|scope|scopes)$/i;

/** The longest value examined (characters). */
const MAX_SECRET_LENGTH = 16 * 1024;

/** What kind of secret a value is, for a message; `undefined` when it does not look like one. */
export function secretKind(name: string | undefined, value: string): string | undefined {
  // A credential is at most a few KB (a 4096-bit RSA private key in PEM is about 3.3 KB); longer
  // literals are data, and the patterns below are not meant for hundreds of KB.
  if (value.length > MAX_SECRET_LENGTH) return undefined;
  const v = value.trim();
  if (v === '' || isReference(v)) return undefined;
  // AWS documentation's placeholder keys (`AKIAIOSFODNN7EXAMPLE`) are not secrets.
  const key = /\b(AKIA|ASIA)(?![A-Z0-9]{9}EXAMPLE\b)[A-Z0-9]{16}\b/.exec(v);
  if (key) return key[1] === 'ASIA' ? 'an AWS temporary access key id' : 'an AWS access key id';
  if (/-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/.test(v)) return 'a private key';
  if (passwordInConnectionString(v)) return 'a password in a connection string';
  if (/^(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{16,}$/.test(v) && looksRandom(v.replace(/^\S+\s+/, '')))
    return 'a hard-coded Authorization header';
  if (/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/.test(v)) return 'a JSON Web Token';
  if (name !== undefined && looksSecretName(name) && looksRandom(v)) return `a hard-coded ${secretNoun(name)}`;
  return undefined;
}

function looksSecretName(name: string): boolean {
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[-.\s]/g, '_');
  return SECRET_NAME.test(snake) && !REFERENCE_NAME.test(snake);
}

function secretNoun(name: string): string {
  if (/passw|pwd|passphrase/i.test(name)) return 'password';
  if (/token/i.test(name)) return 'token';
  if (/key/i.test(name)) return 'key';
  return 'secret';
}

/**
 * Values that point at a secret instead of holding it: ARNs, SSM parameter names, dynamic
 * references, template or shell placeholders, URLs without credentials, file paths.
 */
function isReference(v: string): boolean {
  return (
    /^arn:/.test(v) ||
    /\{\{resolve:/.test(v) ||
    // `[^}$]`, not `[^}]`: each try stops at the next `$`, so `${${${…` is linear, not quadratic.
    /\$\{[^}$]*\}|^\$[A-Z_]+$|^<[^>]*>$|^%[^%]+%$/.test(v) ||
    /^\/[\w./-]*$/.test(v) ||
    /^(?:https?|wss?|file|s3):\/\/[^@\s]*$/.test(v) ||
    /^(?:ssm|secretsmanager|secret|param):/i.test(v)
  );
}

/** `postgres://user:pass@host/db`, `Password=…;`, `pwd=…&`: a non-empty literal password. */
function passwordInConnectionString(v: string): boolean {
  const url = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@/\s]+)@/i.exec(v);
  if (url?.[1] !== undefined && !isPlaceholder(url[1])) return true;
  const kv = /(?:^|[;&?\s])(?:password|pwd)=([^;&\s]+)/i.exec(v);
  return kv?.[1] !== undefined && !isPlaceholder(kv[1]);
}

function isPlaceholder(s: string): boolean {
  return /^(?:\*+|x+|\.\.\.|<[^>]*>|\$\{[^}]*\}|\{[^}]*\}|%[^%]*%|\$[A-Za-z_]+|password|pass|secret|changeme|example|placeholder)$/i.test(
    s,
  );
}

/**
 * A value long and random enough to be a generated credential: at least 12 characters, no
 * spaces, letters and digits mixed, and at least 3 bits of entropy per character. Words,
 * sentences, numbers, booleans and common placeholders fail.
 */
function looksRandom(v: string): boolean {
  if (v.length < 12 || /\s/.test(v)) return false;
  if (!/[a-zA-Z]/.test(v) || !/[0-9]/.test(v)) return false;
  if (/^(?:true|false|null|none|undefined|changeme|placeholder|example|todo|tbd|dummy|test)/i.test(v)) return false;
  // Documented placeholders: AWS's example keys (`wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`), `KEYEXAMPLE1234`.
  if (/example|placeholder|changeme|replace_?me|dummy|x{6,}/i.test(v)) return false;
  if (/^[a-z]+(?:[-_][a-z0-9]+)+$/.test(v)) return false; // kebab/snake identifiers: `orders-table-v2`
  return entropy(v) >= 3;
}

/** Shannon entropy in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}
