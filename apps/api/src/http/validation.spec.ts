import type { ValidationError } from '@nestjs/common';
import { fieldErrors } from './validation';

describe('fieldErrors', () => {
  it('names nested fields by path and says a message shared by two constraints once', () => {
    const errors = [
      {
        property: 'minScore',
        constraints: {
          min: 'minScore must be between 0 and 100',
          max: 'minScore must be between 0 and 100',
          isInt: 'minScore must be an integer',
        },
      },
      {
        property: 'sessions',
        children: [{ property: '0', children: [{ property: 'metadata', constraints: { isObject: 'metadata must be an object' } }] }],
      },
    ] as ValidationError[];
    expect(fieldErrors(errors)).toEqual([
      { field: 'minScore', message: 'minScore must be between 0 and 100' },
      { field: 'minScore', message: 'minScore must be an integer' },
      { field: 'sessions[0].metadata', message: 'metadata must be an object' },
    ]);
  });
});
