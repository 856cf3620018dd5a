import fc from 'fast-check';

/**
 * Any text, including what PostgreSQL cannot store: NUL and lone UTF-16 surrogates (which a JSON body carries as
 * \uD800-style escapes). Routes must answer those with a 400 naming the field, never a 500, and store nothing.
 */
export const hostileString = (maxLength = 20): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ maxLength, unit: 'binary' }),
    fc.constantFrom('\ud800', 'x\udfff', '\udc00\ud800', '\u0000', 'a\u0000b', 'ok\ud83d'),
  );
