import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from './json-syntax.js';

describe('findJsonSyntaxError', () => {
  it.each([
    '{}',
    '[]',
    ' {"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"], "b": {"c": 0}} \n',
    '\ufeff{"bom": 1}',
  ])('accepts %j', (text) => {
    expect(findJsonSyntaxError(text)).toBeUndefined();
  });

  it.each([
    ['', 0, 'unexpected end of input'],
    ['version: 1', 0, "unexpected 'v' (strings need double quotes; comments are not allowed)"],
    ['[1, 2,]', 6, "trailing comma before ']'"],
    ['{"a": 1,}', 8, "trailing comma before '}'"],
    ['{"a": 1 # note\n}', 8, "expected ',', found '#'"],
    ["{'a': 1}", 1, "expected a double-quoted key, found '''"],
    ['{"a": tru}', 6, "unexpected 't' (strings need double quotes; comments are not allowed)"],
    ['{"a": 01}', 7, "expected ',', found '1'"],
    ['{"a": "x', 6, 'invalid string (unterminated, a raw control character, or a bad escape)'],
    ['{"a": 1', 7, 'unexpected end of input'],
    ['{"a": 1} x', 9, 'unexpected content after the JSON value'],
  ])('rejects %j at offset %i: %s', (text, offset, message) => {
    expect(findJsonSyntaxError(text)).toEqual({ offset, message });
  });
});
