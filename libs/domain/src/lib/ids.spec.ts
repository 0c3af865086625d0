import { isUuid } from './ids';

describe('isUuid', () => {
  it('accepts UUIDs in either case', () => {
    expect(isUuid('00000000-0000-4000-8000-000000000000')).toBe(true);
    expect(isUuid('A9ACDC5D-9C77-4A71-BB0F-89C12AAD3098')).toBe(true);
  });
  it.each([
    '',
    '42',
    '-'.repeat(36),
    'g9acdc5d-9c77-4a71-bb0f-89c12aad3098',
    '00000000-0000-4000-8000-0000000000000',
  ])('refuses %p', (v) => {
    expect(isUuid(v)).toBe(false);
  });
});
