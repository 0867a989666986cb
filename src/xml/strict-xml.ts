import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** An element with its namespace resolved: callers match on (ns, name), never on prefixes. */
export interface XmlElement {
  ns: string;
  /** The local name. */
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

type OrderedNode = Record<string, unknown>;

const ATTRIBUTES = ':@';
const TEXT = '#text';
const CDATA = '#cdata';

/** Nesting deeper than this is refused by the parser (SOAP answers are a few levels deep). */
const MAX_DEPTH = 100;

// Entities are decoded here in one pass (decodeEntities), not by the parser: its HTML entity
// tables cost more than the parse, and decoding in two steps would turn "&amp;#65;" into "A".
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: false,
  htmlEntities: false,
  cdataPropName: CDATA,
  maxNestedTags: MAX_DEPTH,
});

/** Without a DTD, XML knows only the five predefined entities and character references. */
const UNDEFINED_ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/;
const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));/g;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

const XML_NAMESPACE: ReadonlyMap<string, string> = new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]);

/**
 * Parses untrusted XML strictly with fast-xml-parser: no DTD, only XML's own entities,
 * validated (parse() alone accepts malformed XML), one root, every prefix bound, nesting
 * bounded. Throws an Error saying what is wrong. Shared by the client and the
 * simulator.
 */
export function parseXmlDocument(text: string): XmlElement {
  if (/<!DOCTYPE/i.test(text)) throw new Error('DTD is prohibited');
  if (UNDEFINED_ENTITY.test(text)) throw new Error('reference to an undefined entity');
  // Parsed first, bounded by maxNestedTags (the validator has no depth limit); its result is
  // used only once the validator has found the text well-formed (parse() alone accepts malformed XML).
  const nodes = parseBounded(text);
  const validation = XMLValidator.validate(text);
  if (validation !== true) throw new Error(`malformed XML (line ${validation.err.line}: ${validation.err.msg})`);
  const roots = nodes.filter((node) => !(TEXT in node));
  const [root] = roots;
  if (roots.length !== 1 || root === undefined) throw new Error('expected exactly one root element');
  return toElement(root, XML_NAMESPACE);
}

function parseBounded(text: string): OrderedNode[] {
  try {
    return parser.parse(text) as OrderedNode[];
  } catch (error) {
    throw new Error(`malformed XML (${error instanceof Error ? error.message : String(error)})`);
  }
}

function toElement(node: OrderedNode, parentScope: ReadonlyMap<string, string>): XmlElement {
  const qualifiedName = Object.keys(node).find((key) => key !== ATTRIBUTES) ?? '';
  let scope = parentScope;
  const attributes: Record<string, string> = {};
  for (const [name, raw] of Object.entries((node[ATTRIBUTES] ?? {}) as Record<string, string>)) {
    const value = decodeEntities(raw);
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) attributes[name] = value;
    else scope = new Map(scope).set(name === 'xmlns' ? '' : name.slice('xmlns:'.length), value);
  }
  const separator = qualifiedName.indexOf(':');
  const prefix = separator < 0 ? '' : qualifiedName.slice(0, separator);
  const ns = scope.get(prefix);
  if (ns === undefined && prefix !== '') throw new Error(`unbound namespace prefix "${prefix}"`);
  const element: XmlElement = { ns: ns ?? '', name: qualifiedName.slice(separator + 1), attributes, children: [], text: '' };
  for (const child of (node[qualifiedName] ?? []) as OrderedNode[]) {
    if (TEXT in child) element.text += decodeEntities(String(child[TEXT]));
    else if (CDATA in child) element.text += (child[CDATA] as OrderedNode[]).map((part) => String(part[TEXT] ?? '')).join('');
    else element.children.push(toElement(child, scope));
  }
  return element;
}

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (_, name: string | undefined, decimal: string | undefined, hex: string | undefined) =>
    name ? (PREDEFINED[name] ?? '') : String.fromCodePoint(decimal ? Number(decimal) : parseInt(hex ?? '', 16)),
  );
}
