// Every var(--sd-…) the components read is defined in the global CSS, so a
// misspelt or forgotten name cannot fall back unseen (issue 9.6).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(__dirname)

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    if (statSync(p).isDirectory()) return files(p)
    return /\.(vue|css|ts)$/.test(n) && !n.endsWith('.test.ts') ? [p] : []
  })
}

describe('CSS custom properties', () => {
  it('every --sd-* that is read is defined', () => {
    const all = files(root).map((f) => readFileSync(f, 'utf8'))
    const defined = new Set(all.flatMap((t) => [...t.matchAll(/(--sd-[a-z0-9-]+)\s*:/g)].map((m) => m[1]!)))
    const used = new Set(all.flatMap((t) => [...t.matchAll(/var\((--sd-[a-z0-9-]+)/g)].map((m) => m[1]!)))
    const undefinedVars = [...used].filter((v) => !defined.has(v)).sort()
    expect(undefinedVars).toEqual([])
  })
})
