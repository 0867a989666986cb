import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readXml } from '../src/service/soap/xml-reader.js';
import type { XmlElement } from '../src/service/soap/xml.js';

function element(text: string): XmlElement {
  const root = readXml(text);
  assert.equal(typeof root, 'object', `expected ${JSON.stringify(text)} to parse, got ${JSON.stringify(root)}`);
  return root as XmlElement;
}

describe('xml-reader: what it accepts', () => {
  test('an XML declaration, attributes in both quotes, the five entities, character references, CDATA, comments and PIs', () => {
    const root = element(`<?xml version="1.0" encoding="utf-8"?>\n<a x="1" y='&lt;2&gt;'>t&amp;&quot;&apos;&#65;&#x42;<![CDATA[<c>&amp;]]><!-- note --><?pi skipped?></a>\n`);
    assert.deepEqual(root.attributes, { x: '1', y: '<2>' });
    assert.equal(root.text, 't&"\'AB<c>&amp;');
  });

  test('namespaces: default and prefixed, inherited, redeclared inside, the xml prefix bound', () => {
    const root = element('<p:a xmlns:p="urn:p" xmlns="urn:d"><b><p:c xmlns:p="urn:q" xml:lang="en"/></b></p:a>');
    assert.deepEqual([root.ns, root.name], ['urn:p', 'a']);
    const b = root.children[0];
    assert.deepEqual([b?.ns, b?.name], ['urn:d', 'b']);
    assert.deepEqual([b?.children[0]?.ns, b?.children[0]?.name], ['urn:q', 'c']);
  });

  test('text is trimmed; whitespace between elements is not text', () => {
    const root = element('<a>\n  <b>  x  </b>\n</a>');
    assert.equal(root.text, '');
    assert.equal(root.children[0]?.text, 'x');
  });

  test('tags with whitespace before > and attributes on several lines', () => {
    assert.equal(element('<a\n  b="1"\n  c="2"\n></a >').attributes.c, '2');
  });
});

describe('xml-reader: what it refuses, with a problem string', () => {
  const refused: Array<[string, RegExp]> = [
    ['<a><b></a>', /<\/a> closes <b>/],
    ['<a>', /never closed/],
    ['</a>', /closing tag without its opening tag/],
    ['<a/><b/>', /second root element/],
    ['x<a/>', /text outside the root/],
    ['<a/>x', /text outside the root/],
    ['<a b="1" b="2"/>', /given twice/],
    ['<a b="1"c="2"/>', /bad attribute/],
    ['<a b=1/>', /bad attribute/],
    ['<a b="<"/>', /bad attribute/],
    ['<a>&foo;</a>', /undefined entity/],
    ['<a>&#0;</a>', /not an XML character/],
    ['<a>\u0001</a>', /control character/],
    ['<p:a/>', /unbound namespace prefix "p"/],
    ['<a xmlns:p="u"><p:b q:c="1"/></a>', /unbound namespace prefix "q"/],
    ['<!DOCTYPE a><a/>', /DTD/],
    ['<a><!ELEMENT x></a>', /markup declaration/],
    ['<a><!-- never closed</a>', /unterminated comment/],
    ['<a><![CDATA[ never closed</a>', /unterminated CDATA/],
    ['', /no root element/],
    ['<a>' + '<b>'.repeat(200) + '</b>'.repeat(200) + '</a>', /nested deeper than 100/],
  ];
  for (const [xml, problem] of refused) {
    test(JSON.stringify(xml.length > 40 ? `${xml.slice(0, 40)}…` : xml), () => {
      const result = readXml(xml);
      assert.equal(typeof result, 'string', `parsed: ${JSON.stringify(result)}`);
      assert.match(result as string, problem);
    });
  }

  test('the line of the problem is named', () => {
    assert.match(readXml('<a>\n<b>\n</c>\n</a>') as string, /^malformed XML \(line 3: /);
  });

  test('an attribute named like an Object method is an attribute, not a repeat', () => {
    assert.deepEqual(element('<a toString="1" constructor="2"/>').attributes, { toString: '1', constructor: '2' });
  });
});
