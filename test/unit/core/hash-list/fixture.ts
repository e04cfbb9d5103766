// A small hash list made of bytes the tests invent, encoded with the encoder the build
// script uses, so the tests decode exactly what the build would write.
import { encodeHashList, type HashListSource } from '../../../../src/core/hash-list/index.ts';
import { computeDigest } from '../../../../src/core/integrity/index.ts';

/** sha384 of the UTF-8 text. */
export async function sha384(text: string): Promise<Uint8Array> {
  return computeDigest('sha384', new TextEncoder().encode(text));
}

/**
 * Two packages. `lib.min.js` is unchanged between lib 1.0.0 and 1.1.0, and the scoped
 * package ships a copy of it, so one digest has three files (six URLs).
 */
export async function fixtureSource(): Promise<HashListSource> {
  const shared = await sha384('shared library bytes');
  return {
    generator: 'test/1',
    configHash: 'sha256-test',
    packages: [
      {
        name: 'lib',
        versions: [
          {
            version: '1.0.0',
            files: [
              { path: 'dist/lib.min.js', digest: shared },
              { path: 'dist/lib.css', digest: await sha384('lib 1.0.0 css') },
            ],
          },
          {
            version: '1.1.0',
            files: [
              { path: 'dist/lib.min.js', digest: shared },
              { path: 'dist/lib.css', digest: await sha384('lib 1.1.0 css') },
              { path: 'dist/fonts/icon font.woff2', digest: await sha384('a font') },
            ],
          },
          { version: '2.0.0-beta.1', files: [{ path: 'lib.mjs', digest: await sha384('lib 2 beta') }] },
        ],
      },
      {
        name: '@scope/pkg',
        versions: [
          {
            version: '3.2.1',
            files: [
              { path: 'vendor/lib.min.js', digest: shared },
              { path: 'umd/pkg@latest+a.js', digest: await sha384('odd characters') },
            ],
          },
        ],
      },
    ],
  };
}

/** The fixture, encoded. */
export async function fixtureBytes(): Promise<Uint8Array> {
  return encodeHashList(await fixtureSource());
}
