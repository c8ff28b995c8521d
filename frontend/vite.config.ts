import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig, type Plugin } from 'vitest/config'

const outDir = fileURLToPath(new URL('./dist', import.meta.url))

// Go embeds `all:frontend/dist`, so the folder must exist in a fresh clone:
// git keeps it through dist/.gitkeep. emptyOutDir removes that file on every
// build; this puts it back.
function keepDistFolder(): Plugin {
  return {
    name: 'sellerdesk-keep-dist',
    apply: 'build',
    closeBundle() {
      mkdirSync(outDir, { recursive: true })
      writeFileSync(`${outDir}/.gitkeep`, '')
    },
  }
}

// Which modules each chunk holds, beside Vite's manifest (.vite/manifest.json):
// scripts/check-entry.mjs reads both to keep Naive UI out of the start-up chunks.
function chunkModules(): Plugin {
  const root = fileURLToPath(new URL('.', import.meta.url))
  return {
    name: 'sellerdesk-chunk-modules',
    apply: 'build',
    generateBundle(_, bundle) {
      const out: Record<string, string[]> = {}
      for (const c of Object.values(bundle)) {
        if (c.type === 'chunk') out[c.fileName] = c.moduleIds.map((id) => (id.startsWith(root) ? id.slice(root.length) : id))
      }
      this.emitFile({ type: 'asset', fileName: '.vite/chunk-modules.json', source: JSON.stringify(out, null, 1) })
    },
  }
}

export default defineConfig({
  plugins: [vue(), keepDistFolder(), chunkModules()],
  base: './',
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    manifest: true,
  },
  server: { strictPort: false },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
  },
})
