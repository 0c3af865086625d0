import { bytesEqual, fromHex, isSha256Hex, sha256, sha256Hex, toHex } from './hash';

describe('hash helpers', () => {
  it('hash strings as UTF-8 and bytes as they are (FIPS 180-2 vectors)', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(sha256Hex(new TextEncoder().encode('æøå'))).toBe(sha256Hex('æøå'));
    expect(toHex(sha256('abc'))).toBe(sha256Hex('abc'));
  });

  it('convert hex strictly, so verifiers can fail closed', () => {
    expect(fromHex('00ff10')).toEqual(Uint8Array.of(0, 255, 16));
    expect(fromHex('')).toEqual(new Uint8Array());
    for (const bad of ['0', 'FF', 'zz', ' 00', '00\n']) expect(fromHex(bad)).toBeUndefined();
    expect(toHex(new Uint8Array(Buffer.from('hello')).subarray(1, 3))).toBe('656c');
  });

  it('recognise SHA-256 hex and compare bytes', () => {
    expect(isSha256Hex(sha256Hex('x'))).toBe(true);
    expect(isSha256Hex(sha256Hex('x').toUpperCase())).toBe(false);
    expect(isSha256Hex(sha256Hex('x').slice(1))).toBe(false);
    expect(isSha256Hex(42)).toBe(false);
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(bytesEqual(Uint8Array.of(1), Uint8Array.of(1, 0))).toBe(false);
  });
});
