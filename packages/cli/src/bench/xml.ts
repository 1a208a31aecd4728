// Minimal XML text helpers for the SVG and HTML reports: escaping, and a well-formedness
// check (a small tokenizer, no regular expressions) the tests use on every generated file.
// Invariant: `escapeXml` output never contains a raw <, >, &, " or '; `checkWellFormed`
// accepts exactly one root element with properly nested, matching tags.

export function escapeXml(text: string): string {
  let out = '';
  for (const ch of text) {
    out += ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch === '&' ? '&amp;' : ch === '"' ? '&quot;' : ch === "'" ? '&apos;' : ch;
  }
  return out;
}

const NAME_START = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === ':';
const NAME_CHAR = (c: string) => NAME_START(c) || (c >= '0' && c <= '9') || c === '-' || c === '.';
const SPACE = (c: string | undefined) => c === ' ' || c === '\n' || c === '\t' || c === '\r';

/** Problems found in `text` as XML (empty when well formed). Element names are collected in `names`. */
export function checkWellFormed(text: string, names: Set<string> = new Set()): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const fail = (message: string) => problems.push(`offset ${i}: ${message}`);
  const readName = (): string => {
    const start = i;
    if (!NAME_START(text[i] ?? '')) return '';
    while (i < text.length && NAME_CHAR(text[i]!)) i++;
    return text.slice(start, i);
  };
  const checkReference = (): void => {
    const end = text.indexOf(';', i);
    const body = end < 0 ? '' : text.slice(i + 1, end);
    const known = ['lt', 'gt', 'amp', 'quot', 'apos'].includes(body);
    const numeric = body.startsWith('#x') ? body.length > 2 && [...body.slice(2)].every((c) => '0123456789abcdefABCDEF'.includes(c))
      : body.startsWith('#') ? body.length > 1 && [...body.slice(1)].every((c) => c >= '0' && c <= '9') : false;
    if (!known && !numeric) fail(`bad entity reference &${body.slice(0, 10)}`);
    i = end < 0 ? text.length : end + 1;
  };
  while (i < text.length && problems.length < 20) {
    const c = text[i]!;
    if (c === '&') { checkReference(); continue; }
    if (c !== '<') {
      if (c === '>') fail('stray >');
      if (stack.length === 0 && !SPACE(c)) fail('text outside the root element');
      i++;
      continue;
    }
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) { fail('unterminated comment'); break; }
      i = end + 3;
    } else if (text.startsWith('<?', i) || text.startsWith('<!DOCTYPE', i) || text.startsWith('<!doctype', i)) {
      if (stack.length > 0 || roots > 0) fail('declaration inside the document');
      const end = text.indexOf('>', i);
      if (end < 0) { fail('unterminated declaration'); break; }
      i = end + 1;
    } else if (text[i + 1] === '/') {
      i += 2;
      const name = readName();
      while (SPACE(text[i])) i++;
      if (text[i] !== '>') fail(`malformed end tag </${name}`);
      i++;
      const open = stack.pop();
      if (open !== name) fail(`</${name}> closes <${open ?? 'nothing'}>`);
    } else {
      i++;
      const name = readName();
      if (!name) { fail('< not followed by a tag name'); i++; continue; }
      names.add(name);
      if (stack.length === 0) roots++;
      const attributes = new Set<string>();
      for (;;) {
        const before = i;
        while (SPACE(text[i])) i++;
        if (text[i] === '>') { i++; stack.push(name); break; }
        if (text.startsWith('/>', i)) { i += 2; break; }
        if (i === before) { fail(`<${name}>: attributes must be separated by spaces`); break; }
        const attribute = readName();
        if (!attribute) { fail(`<${name}>: bad attribute`); break; }
        if (attributes.has(attribute)) fail(`<${name}>: duplicate attribute ${attribute}`);
        attributes.add(attribute);
        if (text[i] !== '=') { fail(`<${name}> ${attribute}: expected =`); break; }
        const quote = text[i + 1];
        if (quote !== '"' && quote !== "'") { fail(`<${name}> ${attribute}: value must be quoted`); break; }
        i += 2;
        while (i < text.length && text[i] !== quote) {
          if (text[i] === '<') fail(`<${name}> ${attribute}: < in attribute value`);
          if (text[i] === '&') checkReference();
          else i++;
        }
        i++;
      }
    }
  }
  if (stack.length > 0) problems.push(`unclosed elements at end: ${stack.join(' > ')}`);
  if (roots !== 1) problems.push(`expected one root element, found ${roots}`);
  return problems;
}
