import { ApiError, describeError, fieldMessage } from './client';

describe('field errors in plain words', () => {
  it("says the field in words, not the API's name, and class-validator's lengths as a person would", () => {
    expect(fieldMessage({ field: 'networkId', message: 'networkId must be a /24 (IPv4) or /56 (IPv6) network' })).toBe(
      'Network id must be a /24 (IPv4) or /56 (IPv6) network',
    );
    expect(fieldMessage({ field: 'name', message: 'name must be longer than or equal to 1 characters' })).toBe('Name must not be empty');
    expect(fieldMessage({ field: 'rules[0].limit', message: 'must be an integer' })).toBe('Must be an integer');
    expect(fieldMessage({ field: 'tenants[0].slug', message: 'slug must be shorter than or equal to 64 characters' })).toBe(
      'Slug may have at most 64 characters',
    );
  });

  it('describes an error once: the field messages, or else the detail', () => {
    const repeated = new ApiError(400, {
      detail: 'networkId must be a network',
      errors: [{ field: 'networkId', message: 'networkId must be a network' }],
    });
    expect(describeError(repeated)).toBe('Network id must be a network');
    expect(describeError(new ApiError(409, { detail: 'The policy changed meanwhile' }))).toBe('The policy changed meanwhile');
  });
});
