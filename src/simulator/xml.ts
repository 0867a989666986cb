import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** An element with its namespace resolved: callers match on (ns, local), never on prefixes. */
export interface XmlElement {
  ns: string;
  local: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

type OrderedNode = Record<string, unknown>;

const ATTRIBUTES = ':@';
const TEXT = '#text';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  htmlEntities: true,
});

/** Without a DTD, XML knows only the five predefined entities and character references. */
const UNDEFINED_ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/;

/** Parses a document strictly: no DTD, only XML's own entities, well-formed, one root, every prefix bound. */
export function parseXmlDocument(text: string): XmlElement {
  if (/<!DOCTYPE/i.test(text)) throw new Error('DTD is prohibited');
  if (UNDEFINED_ENTITY.test(text)) throw new Error('reference to an undefined entity');
  const validation = XMLValidator.validate(text);
  if (validation !== true) throw new Error(`malformed XML: ${validation.err.msg}`);
  const roots = (parser.parse(text) as OrderedNode[]).filter((node) => !(TEXT in node));
  const [root] = roots;
  if (roots.length !== 1 || root === undefined) throw new Error('expected exactly one root element');
  return toElement(root, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]));
}

function toElement(node: OrderedNode, parentScope: ReadonlyMap<string, string>): XmlElement {
  const qualifiedName = Object.keys(node).find((key) => key !== ATTRIBUTES) ?? '';
  const scope = new Map(parentScope);
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries((node[ATTRIBUTES] ?? {}) as Record<string, string>)) {
    if (name === 'xmlns') scope.set('', value);
    else if (name.startsWith('xmlns:')) scope.set(name.slice('xmlns:'.length), value);
    else attributes[name] = value;
  }
  const separator = qualifiedName.indexOf(':');
  const prefix = separator < 0 ? '' : qualifiedName.slice(0, separator);
  const ns = scope.get(prefix);
  if (ns === undefined && prefix !== '') throw new Error(`unbound namespace prefix "${prefix}"`);
  const element: XmlElement = { ns: ns ?? '', local: qualifiedName.slice(separator + 1), attributes, children: [], text: '' };
  for (const child of (node[qualifiedName] ?? []) as OrderedNode[]) {
    if (TEXT in child) element.text += String(child[TEXT]);
    else element.children.push(toElement(child, scope));
  }
  return element;
}
