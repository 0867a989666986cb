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

/** Nesting deeper than this is refused (SOAP answers are a few levels deep). */
const MAX_DEPTH = 100;

/**
 * Parses untrusted XML strictly with fast-xml-parser: no DTD, only XML's own entities,
 * validated before parsing (parse() alone accepts malformed XML), one root, every prefix
 * bound, nesting bounded. Throws an Error saying what is wrong. Shared by the client and the
 * simulator.
 */
export function parseXmlDocument(text: string): XmlElement {
  if (/<!DOCTYPE/i.test(text)) throw new Error('DTD is prohibited');
  if (UNDEFINED_ENTITY.test(text)) throw new Error('reference to an undefined entity');
  if (tooDeep(text)) throw new Error(`nested deeper than ${MAX_DEPTH} elements`);
  const validation = XMLValidator.validate(text);
  if (validation !== true) throw new Error(`malformed XML (line ${validation.err.line}: ${validation.err.msg})`);
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
  const element: XmlElement = { ns: ns ?? '', name: qualifiedName.slice(separator + 1), attributes, children: [], text: '' };
  for (const child of (node[qualifiedName] ?? []) as OrderedNode[]) {
    if (TEXT in child) element.text += String(child[TEXT]);
    else element.children.push(toElement(child, scope));
  }
  return element;
}

/** A linear scan of open and close tags, before the (recursive) parser sees the text. */
function tooDeep(text: string): boolean {
  let depth = 0;
  for (const [, close, , selfClosing] of text.matchAll(/<(\/?)([^!?/>][^>]*?)(\/?)>/g)) {
    depth += close ? -1 : selfClosing ? 0 : 1;
    if (depth > MAX_DEPTH) return true;
  }
  return false;
}
