import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** An element with its namespace resolved: callers match on (ns, name), never on prefixes. */
export interface XmlElement {
  ns: string;
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/**
 * Parses untrusted XML: no DTD (SOAP forbids them, and they carry entity bombs), well-formed
 * or refused. Returns the root element, or a problem string.
 */
export function parseXml(body: string): XmlElement | string {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) return 'the response carries a DTD, which SOAP forbids';
  const valid = XMLValidator.validate(body);
  if (valid !== true) return `malformed XML (line ${valid.err.line}: ${valid.err.msg})`;
  const nodes = parser.parse(body) as OrderedNode[];
  const roots = nodes.flatMap((node) => resolve(node, new Map()));
  return roots[0] ?? 'empty XML document';
}

function resolve(node: OrderedNode, scope: Map<string, string>): XmlElement[] {
  const qname = Object.keys(node).find((key) => key !== ':@');
  if (qname === undefined || qname === '#text' || qname === '#comment') return [];
  const attributes = node[':@'] ?? {};
  const inner = new Map(scope);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'xmlns') inner.set('', value);
    else if (key.startsWith('xmlns:')) inner.set(key.slice(6), value);
  }
  const [prefix, name] = qname.includes(':') ? qname.split(':', 2) as [string, string] : ['', qname];
  const content = (node[qname] ?? []) as OrderedNode[];
  return [{
    ns: inner.get(prefix) ?? '',
    name,
    attributes,
    children: content.flatMap((child) => resolve(child, inner)),
    text: content.map((child) => (typeof child['#text'] === 'string' ? child['#text'] : '')).join(''),
  }];
}

export function childrenNamed(element: XmlElement | undefined, ns: string, name: string): XmlElement[] {
  return element?.children.filter((child) => child.ns === ns && child.name === name) ?? [];
}

export function childNamed(element: XmlElement | undefined, ns: string, name: string): XmlElement | undefined {
  return childrenNamed(element, ns, name)[0];
}

/** The first element with this name anywhere below `element`, in document order. */
export function findNamed(element: XmlElement | undefined, ns: string, name: string): XmlElement | undefined {
  for (const child of element?.children ?? []) {
    if (child.ns === ns && child.name === name) return child;
    const found = findNamed(child, ns, name);
    if (found) return found;
  }
  return undefined;
}
