/**
 * Turns a file's bytes into the text the service reads, the way editors do: UTF-8 (with or
 * without a byte-order mark) and UTF-16 in either byte order (with a BOM, or recognised by its
 * zero bytes) are decoded; anything else that holds NUL bytes is binary. CloudFormation itself
 * reads templates as UTF-8 only
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html), so a
 * template in another encoding is still read, and the reader says it must be converted.
 */
export type Decoded =
  | { readonly kind: 'text'; readonly text: string; readonly encoding: Encoding; readonly invalidUtf8: boolean }
  | { readonly kind: 'binary' };

export type Encoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be';

export function decodeBytes(bytes: Uint8Array): Decoded {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return utf8(bytes.subarray(3), 'utf-8-bom');
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return utf16(bytes.subarray(2), 'utf-16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return utf16(bytes.subarray(2), 'utf-16be');
  const guessed = guessUtf16(bytes);
  if (guessed !== undefined) return utf16(bytes, guessed);
  if (bytes.subarray(0, 8000).includes(0)) return { kind: 'binary' };
  return utf8(bytes, 'utf-8');
}

function utf8(bytes: Uint8Array, encoding: Encoding): Decoded {
  try {
    return {
      kind: 'text',
      text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes),
      encoding,
      invalidUtf8: false,
    };
  } catch {
    return {
      kind: 'text',
      text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes),
      encoding,
      invalidUtf8: true,
    };
  }
}

function utf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): Decoded {
  const text = new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes);
  // UTF-16 text never holds U+0000 in a template or a handler; one that decodes to NULs was binary.
  if (text.includes('\u0000')) return { kind: 'binary' };
  return { kind: 'text', text, encoding, invalidUtf8: false };
}

/**
 * BOM-less UTF-16 of mostly ASCII text has a zero in every other byte: at odd offsets for
 * little-endian, even ones for big-endian. Judged on the first 512 bytes.
 */
function guessUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(bytes.length, 512) & ~1;
  if (n < 4) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.9 && evenZero === 0) return 'utf-16le';
  if (evenZero > pairs * 0.9 && oddZero === 0) return 'utf-16be';
  return undefined;
}

/**
 * Old Mac line endings (a lone CR) become LF. Offsets do not move (one character for one), so
 * findings still land where the editor shows them, which counts a lone CR as a line break too.
 */
export function normalizeLineBreaks(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}
