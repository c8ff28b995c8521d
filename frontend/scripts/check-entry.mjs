// The first screen must not load Naive UI: reads the build's manifest and the
// modules of each chunk (vite.config.ts writes both into dist/.vite) and fails
// when the entry chunk, or a chunk it imports statically, holds a module of
// Naive UI or of the libraries only Naive UI brings. Prints the start-up size.
// Run after `vite build` (npm run check:entry does both).
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

const dist = join(import.meta.dirname, '..', 'dist')
const manifestPath = join(dist, '.vite', 'manifest.json')
const modulesPath = join(dist, '.vite', 'chunk-modules.json')
// naive-ui and its own dependencies: any of them in the start-up chunks means Naive UI crept back.
const FORBIDDEN = /node_modules\/(naive-ui|css-render|@css-render|vueuc|vooks|seemly|treemate|vdirs|evtd|@emotion\/hash|async-validator|date-fns|date-fns-tz|highlight\.js|lodash-es|@juggle\/resize-observer)\//

function fail(msg) {
  console.error(`check-entry: FAIL: ${msg}`)
  process.exit(1)
}

for (const p of [manifestPath, modulesPath]) if (!existsSync(p)) fail(`${p} is missing: build first (npm run check:entry builds)`)
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
const modules = JSON.parse(readFileSync(modulesPath, 'utf8'))

const entries = Object.entries(manifest).filter(([, c]) => c.isEntry)
if (entries.length !== 1) fail(`expected one entry in the manifest, found ${entries.length}`)
const [entryKey, entry] = entries[0]

// The entry and what it imports statically: all of it loads before the app mounts.
const startup = []
const seen = new Set()
;(function walk(key) {
  if (seen.has(key)) return
  seen.add(key)
  const c = manifest[key]
  if (!c) fail(`the manifest names ${key} but has no such chunk`)
  startup.push(c.file)
  for (const k of c.imports ?? []) walk(k)
})(entryKey)

let bytes = 0
const problems = []
for (const file of startup) {
  const ids = modules[file]
  // Guards against a check that passes because it saw nothing.
  if (!ids || ids.length === 0) fail(`no module list for ${file}: is the chunkModules plugin still in vite.config.ts?`)
  for (const id of ids) if (FORBIDDEN.test(id)) problems.push(`${file}: ${id}`)
  bytes += statSync(join(dist, file)).size
}
const all = startup.flatMap((f) => modules[f])
if (!all.some((id) => id.startsWith('src/main.ts'))) fail('src/main.ts is not in the start-up chunks: wrong entry?')
if (!all.some((id) => id.includes('node_modules/@vue/runtime-core/'))) fail('Vue is not in the start-up chunks: the module lists look wrong')

const kb = (n) => `${(n / 1000).toFixed(1)} kB`
const sizes = startup.map((f) => `${f} ${kb(statSync(join(dist, f)).size)}`).join(', ')
console.log(`check-entry: start-up JavaScript ${kb(bytes)} in ${startup.length} chunk(s): ${sizes}`)
if (problems.length) {
  fail(`Naive UI (or a library only it uses) is in the start-up chunks; load it lazily (NaiveScope):\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`)
}
console.log(`check-entry: ok, no Naive UI in ${entry.file} or the chunks it imports`)
