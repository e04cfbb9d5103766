// Builds dist/chrome and dist/firefox from one source tree. Node >= 22.6 strips types, so the
// manifest transform and the settings schema are imported from TypeScript directly.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { manifestFor } from './scripts/build/manifest.ts';
import { chromeManagedSchema } from './src/core/settings/managed-schema.ts';
import { languages, localeMessages } from './scripts/build/locales.ts';
import { parseHashList } from './src/core/hash-list/index.ts';
import { PACKAGED_RULESET_PATH, buildPackagedRules } from './src/extension/serving/dnr/packaged-rules.ts';
import { packagedFor, shipsFile } from './scripts/build/packaged.ts';

const root = import.meta.dirname;
const staticDir = join(root, 'extension');

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** Emits the browser's manifest, the static files and (Chromium) the managed-storage schema. */
class ExtensionAssetsPlugin {
  constructor(target) {
    this.target = target;
  }
  apply(compiler) {
    const { RawSource } = compiler.webpack.sources;
    compiler.hooks.thisCompilation.tap('ExtensionAssets', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'ExtensionAssets', stage: compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        const source = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
        const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
        compilation.emitAsset('manifest.json', new RawSource(JSON.stringify(manifestFor(source, this.target, version), null, 2)));
        if (this.target === 'chrome') {
          compilation.emitAsset('managed_schema.json', new RawSource(JSON.stringify(chromeManagedSchema(), null, 2)));
        }
        for (const file of filesUnder(staticDir)) {
          compilation.fileDependencies.add(file);
          const path = relative(staticDir, file);
          if (!path.startsWith('_locales') && shipsFile(this.target, path)) compilation.emitAsset(path, new RawSource(readFileSync(file)));
        }
        // The packaged set's redirect rules, from the list that names its files (packaged-rules.ts).
        const packaged = parseHashList(readFileSync(join(staticDir, 'hash-list.bin'))).packagedFiles();
        const { rules } = buildPackagedRules(packagedFor(this.target, packaged));
        compilation.emitAsset(PACKAGED_RULESET_PATH, new RawSource(JSON.stringify(rules)));
        const locales = join(staticDir, '_locales');
        for (const lang of languages(locales)) {
          compilation.emitAsset(`_locales/${lang}/messages.json`, new RawSource(JSON.stringify(localeMessages(locales, lang), null, 2)));
        }
        compilation.fileDependencies.add(join(root, 'manifest.json'));
      });
    });
  }
}

/**
 * Environment by file name (style.md, principle 4): in the Firefox build, an import of
 * `./x.ts` resolves to `./x.firefox.ts` when that file exists; `./x.ts` is the Chromium variant.
 */
class BrowserVariantPlugin {
  constructor(target) {
    this.target = target;
  }
  apply(compiler) {
    if (this.target !== 'firefox') return;
    compiler.hooks.normalModuleFactory.tap('BrowserVariant', (factory) => {
      factory.hooks.afterResolve.tap('BrowserVariant', (data) => {
        const resource = data.createData.resource;
        if (!resource || !resource.startsWith(join(root, 'src')) || !resource.endsWith('.ts')) return;
        const variant = resource.replace(/\.ts$/, '.firefox.ts');
        if (existsSync(variant)) {
          data.createData.resource = variant;
          data.createData.userRequest = variant;
          data.createData.request = data.createData.request.replace(resource, variant);
        }
      });
    });
  }
}

const config = (target) => ({
  name: target,
  target: 'web',
  entry: {
    background: './src/extension/background/index.ts',
    options: './src/extension/options/index.ts',
    popup: './src/extension/popup/index.ts',
    content: './src/extension/content/index.ts',
    ...(target === 'chrome' ? { offscreen: './src/extension/offscreen/index.ts' } : {}),
  },
  output: { path: resolve(root, 'dist', target), filename: '[name].js', chunkFilename: '[name].js', clean: true },
  // Readable output: store reviewers read it, and extension code must not need eval (CSP).
  devtool: false,
  // One file per lazily loaded part, named (Firefox's background loads the peer service as
  // `peers.js` only when LAN sharing is wanted), so bundle budgets can name it.
  optimization: { minimize: false, splitChunks: false },
  resolve: { extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } },
  module: {
    rules: [
      {
        test: /\.ts$/,
        exclude: /node_modules/,
        // ts-loader emits JS, and TypeScript allows `.ts` import paths while emitting only when it
        // is asked to rewrite them.
        use: { loader: 'ts-loader', options: { transpileOnly: true, compilerOptions: { noEmit: false, allowImportingTsExtensions: false, rewriteRelativeImportExtensions: true } } },
      },
    ],
  },
  performance: { hints: false },
  plugins: [new ExtensionAssetsPlugin(target), new BrowserVariantPlugin(target)],
});

export default [config('chrome'), config('firefox')];
