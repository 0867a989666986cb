import type { XmlElement } from './xml.js';

/**
 * A strict, small XML reader for untrusted SOAP responses: elements, attributes, text, CDATA,
 * comments, processing instructions (skipped); the five predefined entities and character
 * references. Anything else is refused with a problem string: a DTD or any other `<!`
 * declaration, an undefined entity, a bad name, unbalanced tags, text outside the root, an
 * unbound prefix, a repeated attribute, nesting deeper than MAX_DEPTH. Linear in the input, no
 * recursion. (It replaced fast-xml-parser's validate + parse, which took more CPU per response
 * than the whole HTTP exchange.)
 */
const MAX_DEPTH = 100;
const XML_SCOPE: ReadonlyMap<string, string> = new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]);
const NAME = String.raw`[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*(?::[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?`;
const START_NAME = new RegExp(`<(${NAME})`, 'y');
const ATTRIBUTE = new RegExp(String.raw`\s+(${NAME})\s*=\s*(?:"([^"<]*)"|'([^'<]*)')`, 'y');
const START_END = /\s*(\/?)>/y;
const END_TAG = new RegExp(String.raw`</(${NAME})\s*>`, 'y');
// XML 1.0 forbids these characters anywhere in a document, escaped or not.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));/g;
const UNDEFINED_ENTITY = /&(?!(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

interface Open {
  element: XmlElement;
  qname: string;
  scope: ReadonlyMap<string, string>;
}

class XmlProblem extends Error {}

export function readXml(text: string): XmlElement | string {
  if (FORBIDDEN_CHARACTER.test(text)) return 'malformed XML (a control character)';
  try {
    return new Reader(text).document();
  } catch (error) {
    if (error instanceof XmlProblem) return error.message;
    throw error;
  }
}

class Reader {
  private pos = 0;
  private root: XmlElement | undefined;
  private readonly stack: Open[] = [];

  constructor(private readonly text: string) {}

  document(): XmlElement {
    if (this.text.startsWith('<?xml')) this.skipPast('?>', 'an unterminated XML declaration');
    while (this.pos < this.text.length) {
      const next = this.text.indexOf('<', this.pos);
      this.addText(this.text.slice(this.pos, next < 0 ? this.text.length : next));
      if (next < 0) break;
      this.pos = next;
      this.markup();
    }
    if (this.stack.length > 0) this.fail(`<${this.stack.at(-1)?.qname}> is never closed`);
    if (!this.root) this.fail('no root element');
    return this.root;
  }

  private markup(): void {
    const text = this.text;
    if (text.startsWith('<!--', this.pos)) return this.skipPast('-->', 'an unterminated comment');
    if (text.startsWith('<![CDATA[', this.pos)) return this.cdata();
    if (text.startsWith('<!', this.pos)) this.fail(/^<!DOCTYPE/i.test(text.slice(this.pos, this.pos + 9)) ? 'a DTD, which SOAP forbids' : 'a markup declaration');
    if (text.startsWith('<?', this.pos)) return this.skipPast('?>', 'an unterminated processing instruction');
    if (text.startsWith('</', this.pos)) return this.endTag();
    this.startTag();
  }

  private startTag(): void {
    START_NAME.lastIndex = this.pos;
    const name = START_NAME.exec(this.text);
    if (!name?.[1]) this.fail('a bad tag');
    this.pos = START_NAME.lastIndex;
    const attributes = this.attributes();
    START_END.lastIndex = this.pos;
    const end = START_END.exec(this.text);
    if (!end) this.fail(`a bad attribute or an unclosed tag <${name[1]}>`);
    this.pos = START_END.lastIndex;
    this.open(name[1], attributes, end[1] === '/');
  }

  private attributes(): Record<string, string> {
    const attributes: Record<string, string> = {};
    for (;;) {
      ATTRIBUTE.lastIndex = this.pos;
      const match = ATTRIBUTE.exec(this.text);
      if (!match?.[1]) return attributes;
      if (Object.hasOwn(attributes, match[1])) this.fail(`attribute ${match[1]} given twice`);
      attributes[match[1]] = decode(match[2] ?? match[3] ?? '', this);
      this.pos = ATTRIBUTE.lastIndex;
    }
  }

  private open(qname: string, attributes: Record<string, string>, empty: boolean): void {
    const parent = this.stack.at(-1);
    if (!parent && this.root) this.fail('a second root element');
    if (this.stack.length >= MAX_DEPTH) this.fail(`elements nested deeper than ${MAX_DEPTH}`);
    const scope = declare(parent?.scope ?? XML_SCOPE, attributes);
    const colon = qname.indexOf(':');
    const prefix = colon < 0 ? '' : qname.slice(0, colon);
    const ns = scope.get(prefix);
    if (ns === undefined && prefix !== '') this.fail(`unbound namespace prefix "${prefix}"`);
    for (const attribute in attributes) {
      const at = attribute.indexOf(':');
      const attributePrefix = at < 0 ? '' : attribute.slice(0, at);
      if (at >= 0 && attributePrefix !== 'xmlns' && !scope.has(attributePrefix)) this.fail(`unbound namespace prefix "${attributePrefix}"`);
    }
    const element: XmlElement = { ns: ns ?? '', name: qname.slice(colon + 1), attributes, children: [], text: '' };
    if (parent) parent.element.children.push(element);
    else this.root = element;
    if (!empty) this.stack.push({ element, qname, scope });
  }

  private endTag(): void {
    END_TAG.lastIndex = this.pos;
    const match = END_TAG.exec(this.text);
    const open = this.stack.pop();
    if (!match || !open) this.fail('a closing tag without its opening tag');
    if (match[1] !== open.qname) this.fail(`</${match[1]}> closes <${open.qname}>`);
    open.element.text = open.element.text.trim();
    this.pos = END_TAG.lastIndex;
  }

  private cdata(): void {
    const end = this.text.indexOf(']]>', this.pos);
    if (end < 0) this.fail('an unterminated CDATA section');
    this.appendText(this.text.slice(this.pos + 9, end));
    this.pos = end + 3;
  }

  private addText(raw: string): void {
    if (raw === '') return;
    this.pos += raw.length;
    if (this.stack.length === 0) {
      if (raw.trim() !== '') this.fail('text outside the root element');
      return;
    }
    this.appendText(decode(raw, this));
  }

  private appendText(text: string): void {
    const open = this.stack.at(-1);
    if (!open) this.fail('text outside the root element');
    open.element.text += text;
  }

  private skipPast(terminator: string, problem: string): void {
    const end = this.text.indexOf(terminator, this.pos + 2);
    if (end < 0) this.fail(problem);
    this.pos = end + terminator.length;
  }

  fail(problem: string): never {
    let line = 1;
    for (let i = this.text.indexOf('\n'); i >= 0 && i < this.pos; i = this.text.indexOf('\n', i + 1)) line++;
    const message = problem.startsWith('a DTD') ? 'the response carries a DTD, which SOAP forbids' : `malformed XML (line ${line}: ${problem})`;
    throw new XmlProblem(message);
  }
}

/** The namespaces in scope inside an element: its parent's, plus its own declarations. */
function declare(scope: ReadonlyMap<string, string>, attributes: Record<string, string>): ReadonlyMap<string, string> {
  let inner = scope;
  for (const key in attributes) {
    if (key !== 'xmlns' && !key.startsWith('xmlns:')) continue;
    const declared = inner === scope ? new Map(scope) : (inner as Map<string, string>);
    declared.set(key === 'xmlns' ? '' : key.slice(6), attributes[key] ?? '');
    inner = declared;
  }
  return inner;
}

function decode(raw: string, reader: Reader): string {
  if (!raw.includes('&')) return raw;
  if (UNDEFINED_ENTITY.test(raw)) reader.fail('a reference to an undefined entity');
  return raw.replace(ENTITY, (_, named: string | undefined, decimal: string | undefined, hex: string | undefined) => {
    if (named) return PREDEFINED[named] ?? '';
    const code = decimal !== undefined ? Number(decimal) : Number.parseInt(hex ?? '', 16);
    if (!isXmlChar(code)) reader.fail(`a character reference to ${code}, not an XML character`);
    return String.fromCodePoint(code);
  });
}

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}
