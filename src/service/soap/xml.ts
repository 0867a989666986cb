import { readXml } from './xml-reader.js';

/** An element with its namespace resolved: callers match on (ns, name), never on prefixes. */
export interface XmlElement {
  ns: string;
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text and CDATA, entities decoded, trimmed. */
  text: string;
}

/**
 * Parses untrusted XML: no DTD (SOAP forbids them, and they carry entity bombs), well-formed
 * or refused. Returns the root element, or a problem string.
 */
export function parseXml(body: string): XmlElement | string {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) return 'the response carries a DTD, which SOAP forbids';
  return readXml(body);
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
