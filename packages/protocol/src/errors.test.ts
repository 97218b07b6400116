import { describe, expect, it } from 'vitest';
import { errorMarker, hasMarker, SageError, ValidationError } from './errors.js';

describe('error markers', () => {
  it('are namespaced per package: equal names in two packages are different errors', () => {
    expect(errorMarker('engine', 'QueueFullError')).not.toBe(errorMarker('control-plane', 'QueueFullError'));
    expect(errorMarker('engine', 'QueueFullError')).toBe(Symbol.for('sage.error.engine.QueueFullError'));
    const marker = errorMarker('engine', 'QueueFullError');
    const error = Object.assign(new SageError({ name: 'QueueFullError', message: 'full' }), {
      [marker]: true,
    });
    expect(hasMarker(error, marker)).toBe(true);
    expect(hasMarker(error, errorMarker('control-plane', 'QueueFullError'))).toBe(false);
  });

  it('recognise an error from another copy of the same package', () => {
    const foreign = {
      [Symbol.for('sage.error')]: true,
      [Symbol.for('sage.error.protocol.ValidationError')]: true,
    };
    expect(ValidationError.isInstance(foreign)).toBe(true);
    expect(SageError.isInstance(foreign)).toBe(true);
  });
});
