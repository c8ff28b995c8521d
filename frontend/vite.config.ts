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

export default defineConfig({
  plugins: [vue(), keepDistFolder()],
  base: './',
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
  },
  server: { strictPort: false },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
  },
})
