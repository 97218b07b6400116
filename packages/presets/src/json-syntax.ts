/** Where strict JSON text stops being valid, and why. */
export interface JsonSyntaxError {
  /** 0-based offset of the offending character (the text's length at an unexpected end). */
  offset: number;
  message: string;
}

/** A double-quoted string: no raw control characters (below U+0020), only JSON escapes. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON strings may not contain raw control characters
const STRING = /"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class JsonScanner {
  private offset = 0;

  constructor(private readonly text: string) {}

  /** Scan the whole text; the first error found, or undefined for valid JSON. */
  scan(): JsonSyntaxError | undefined {
    try {
      this.skipWhitespace();
      this.value();
      this.skipWhitespace();
      if (this.offset < this.text.length) this.fail('unexpected content after the JSON value');
      return undefined;
    } catch (error) {
      if (error instanceof JsonScanError) return { offset: error.offset, message: error.message };
      throw error;
    }
  }

  private fail(message: string): never {
    throw new JsonScanError(
      this.offset,
      this.offset >= this.text.length ? 'unexpected end of input' : message,
    );
  }

  private peek(): string | undefined {
    return this.text[this.offset];
  }

  private skipWhitespace(): void {
    while (/[ \t\n\r]/.test(this.peek() ?? '')) this.offset += 1;
  }

  private expect(character: string): void {
    if (this.peek() !== character) this.fail(`expected '${character}', found '${this.peek()}'`);
    this.offset += 1;
  }

  private value(): void {
    const character = this.peek() ?? '';
    if (character === '{') this.object();
    else if (character === '[') this.array();
    else if (character === '"') this.string();
    else if (character === '-' || /[0-9]/.test(character)) this.number();
    else this.literal(character);
  }

  private literal(character: string): void {
    const literal = ['true', 'false', 'null'].find((word) => this.text.startsWith(word, this.offset));
    if (!literal)
      this.fail(`unexpected '${character}' (strings need double quotes; comments are not allowed)`);
    this.offset += literal.length;
  }

  private members(close: string, member: () => void): void {
    this.offset += 1;
    this.skipWhitespace();
    if (this.peek() === close) {
      this.offset += 1;
      return;
    }
    for (;;) {
      member();
      this.skipWhitespace();
      if (this.peek() === close) {
        this.offset += 1;
        return;
      }
      this.expect(',');
      this.skipWhitespace();
      if (this.peek() === close) this.fail(`trailing comma before '${close}'`);
    }
  }

  private object(): void {
    this.members('}', () => {
      if (this.peek() !== '"') this.fail(`expected a double-quoted key, found '${this.peek()}'`);
      this.string();
      this.skipWhitespace();
      this.expect(':');
      this.skipWhitespace();
      this.value();
    });
  }

  private array(): void {
    this.members(']', () => this.value());
  }

  /** Match a sticky pattern at the current offset and move past it. */
  private consume(pattern: RegExp, message: string): void {
    pattern.lastIndex = this.offset;
    const match = pattern.exec(this.text);
    if (!match) this.fail(message);
    this.offset += match[0].length;
  }

  private string(): void {
    this.consume(STRING, 'invalid string (unterminated, a raw control character, or a bad escape)');
  }

  private number(): void {
    this.consume(NUMBER, 'invalid number');
  }
}

class JsonScanError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Check that `text` is strict JSON (RFC 8259) and say where it is not. YAML accepts more
 * (comments, trailing commas, unquoted words), so a `.json` file is checked here first.
 *
 * @example
 * ```ts
 * findJsonSyntaxError('[1, 2,]'); // { offset: 6, message: "trailing comma before ']'" }
 * findJsonSyntaxError('{"a": 1}'); // undefined
 * ```
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  return new JsonScanner(text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text).scan();
}
