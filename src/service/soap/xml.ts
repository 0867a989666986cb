import { parseXmlDocument, type XmlElement } from '../../xml/strict-xml.js';

export type { XmlElement };

/**
 * Parses an untrusted SOAP response: no DTD (SOAP forbids them, and they carry entity bombs),
 * well-formed or refused. Returns the root element, or a problem string.
 */
export function parseXml(body: string): XmlElement | string {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) return 'the response carries a DTD, which SOAP forbids';
  try {
    return parseXmlDocument(body);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function childrenNamed(element: XmlElement | undefined, ns: string, name: string): XmlElement[] {
  return element?.children.filter((child) => child.ns === ns && child.name === name) ?? [];
}

export function childNamed(element: XmlElement | undefined, ns: string, name: string): XmlElement | undefined {
  return childrenNamed(element, ns, name)[0];
}
