import { flushPromises, mount } from '@vue/test-utils'
import { NModal } from 'naive-ui'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { useCatalogStore } from '@/stores/catalog'
import { backend, bulkView, emit, entitiesView, entity, resetSeam } from '@/test/seam'
import BulkTagDialog from './BulkTagDialog.vue'
import EntityTable from './EntityTable.vue'
import TagEditor from './TagEditor.vue'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

const many = Array.from({ length: 5000 }, (_, i) => entity(i % 2 ? 'Offer' : 'SaaSProduct', i))

async function setup(entities = many) {
  resetSeam()
  const pinia = createPinia()
  setActivePinia(pinia)
  backend.catalogEntities.mockResolvedValue(entitiesView(entities))
  backend.refreshEntities.mockResolvedValue(entitiesView(entities))
  const store = useCatalogStore()
  await store.init()
  await flushPromises()
  return { pinia, store }
}

describe('entity table', () => {
  it('renders only the rows in view of 5,000 entities', async () => {
    const { pinia } = await setup()
    const w = mount(EntityTable, { global: { plugins: [pinia] }, attachTo: document.body })
    await flushPromises()
    const rows = w.findAll('[data-testid="entity-row"]')
    expect(rows.length).toBeGreaterThan(5)
    expect(rows.length).toBeLessThan(60)
    expect(w.find('[data-testid="entity-table"]').attributes('aria-rowcount')).toBe('5001')
    w.unmount()
  })

  it('moves, selects and opens the editor from the keyboard', async () => {
    const { pinia, store } = await setup(many.slice(0, 20))
    const w = mount(EntityTable, { global: { plugins: [pinia] }, attachTo: document.body })
    await flushPromises()
    const sc = w.find('[data-testid="entity-scroller"]')
    await sc.trigger('keydown', { key: 'Home' })
    await sc.trigger('keydown', { key: ' ' })
    await sc.trigger('keydown', { key: 'ArrowDown' })
    await sc.trigger('keydown', { key: ' ' })
    expect(store.selected.size).toBe(2)
    await sc.trigger('keydown', { key: 'Enter' })
    expect(store.editing).toBe(store.visible[1]!.arn)
    await sc.trigger('keydown', { key: 'a', ctrlKey: true })
    expect(store.selected.size).toBe(20)
    w.unmount()
  })

  it('asks for the tags of the rows on screen', async () => {
    vi.useFakeTimers()
    const { pinia } = await setup(many.slice(0, 30))
    const w = mount(EntityTable, { global: { plugins: [pinia] }, attachTo: document.body })
    await vi.advanceTimersByTimeAsync(300)
    expect(backend.loadTags).toHaveBeenCalled()
    expect(backend.loadTags.mock.calls[0]![0].length).toBeGreaterThan(0)
    vi.useRealTimers()
    w.unmount()
  })
})

describe('tag editor', () => {
  it('loads the tags, shows rule problems at the row, and saves exactly the rows', async () => {
    const { pinia, store } = await setup(many.slice(0, 3))
    const arn = many[0]!.arn
    backend.readTags.mockResolvedValue({ arn, tags: [{ key: 'team', value: 'a' }], at: '' })
    backend.checkTags.mockImplementation(async (tags) =>
      tags.flatMap((t, i) => (t.key.includes('#') ? [{ index: i, key: t.key, message: `tag ${i + 1} (key "${t.key}"): key characters` }] : [])))
    const w = mount(TagEditor, { global: { plugins: [pinia] }, attachTo: document.body })
    store.editing = arn
    await flushPromises()
    const keys = () => document.querySelectorAll<HTMLInputElement>('[data-testid="tag-key"] input')
    expect(keys()[0]!.value).toBe('team')
    ;(document.querySelector('[data-testid="tag-add"]') as HTMLButtonElement).click()
    await nextTick()
    const k = keys()[1]!
    k.value = 'bad#key'
    k.dispatchEvent(new Event('input'))
    await new Promise((r) => setTimeout(r, 250))
    await flushPromises()
    expect(document.querySelector('[data-testid="tag-problem"]')?.textContent).toContain('bad#key')
    expect((document.querySelector('[data-testid="tag-save"]') as HTMLButtonElement).disabled).toBe(true)
    k.value = 'stage'
    k.dispatchEvent(new Event('input'))
    await new Promise((r) => setTimeout(r, 250))
    await flushPromises()
    ;(document.querySelector('[data-testid="tag-save"]') as HTMLButtonElement).click()
    await flushPromises()
    expect(backend.saveTags).toHaveBeenCalledWith(arn, [{ key: 'team', value: 'a' }, { key: 'stage', value: '' }])
    expect(document.querySelector('[data-testid="tag-saved"]')).not.toBeNull()
    w.unmount()
  })

  it('keeps the rows when the save fails', async () => {
    const { pinia, store } = await setup(many.slice(0, 3))
    const arn = many[0]!.arn
    backend.saveTags.mockRejectedValue('AccessDeniedException: no TagResource')
    const w = mount(TagEditor, { global: { plugins: [pinia] }, attachTo: document.body })
    store.editing = arn
    await flushPromises()
    ;(document.querySelector('[data-testid="tag-add"]') as HTMLButtonElement).click()
    await nextTick()
    const k = document.querySelector<HTMLInputElement>('[data-testid="tag-key"] input')!
    k.value = 'owner'
    k.dispatchEvent(new Event('input'))
    await new Promise((r) => setTimeout(r, 250))
    await flushPromises()
    ;(document.querySelector('[data-testid="tag-save"]') as HTMLButtonElement).click()
    await flushPromises()
    expect(document.querySelector('[data-testid="tag-save-error"]')?.textContent).toContain('AccessDenied')
    expect(document.querySelector<HTMLInputElement>('[data-testid="tag-key"] input')!.value).toBe('owner')
    w.unmount()
  })
})

describe('tag editor with unsaved rows', () => {
  async function editWithUnsavedRow() {
    document.body.innerHTML = '' // drawers of earlier tests are teleported here
    const { pinia, store } = await setup(many.slice(0, 3))
    backend.readTags.mockImplementation(async (a: string) => ({ arn: a, tags: [{ key: 'team', value: 'a' }], at: '' }))
    const w = mount(TagEditor, { global: { plugins: [pinia] }, attachTo: document.body })
    store.editing = many[0]!.arn
    await flushPromises()
    ;(document.querySelector('[data-testid="tag-add"]') as HTMLButtonElement).click()
    await nextTick()
    const k = document.querySelectorAll<HTMLInputElement>('[data-testid="tag-key"] input')[1]!
    k.value = 'owner'
    k.dispatchEvent(new Event('input'))
    await flushPromises()
    return { w, store }
  }
  const keys = () => [...document.querySelectorAll<HTMLInputElement>('[data-testid="tag-key"] input')].map((i) => i.value)
  const click = async (id: string) => {
    ;(document.querySelector(`[data-testid="${id}"]`) as HTMLButtonElement).click()
    await flushPromises()
  }

  it('asks before another entity replaces them, and keeps them on Keep editing', async () => {
    const { w, store } = await editWithUnsavedRow()
    store.editing = many[1]!.arn
    await flushPromises()
    expect(document.querySelector('[data-testid="tag-discard-dialog"]')).not.toBeNull()
    expect(store.editing).toBe(many[0]!.arn)
    expect(keys()).toEqual(['team', 'owner'])
    await click('tag-keep-editing')
    expect(w.findComponent(NModal).props('show')).toBe(false)
    expect(keys()).toEqual(['team', 'owner'])
    expect(store.editing).toBe(many[0]!.arn)
    w.unmount()
  })

  it('goes where the user asked once they discard', async () => {
    const { w, store } = await editWithUnsavedRow()
    store.editing = many[1]!.arn
    await flushPromises()
    await click('tag-discard')
    expect(store.editing).toBe(many[1]!.arn)
    expect(keys()).toEqual(['team'])
    w.unmount()
  })

  it('asks before closing, and closes at once when nothing changed', async () => {
    const { w, store } = await editWithUnsavedRow()
    ;(document.querySelector('[data-testid="tag-editor"] .n-base-close') as HTMLElement).click()
    await flushPromises()
    expect(document.querySelector('[data-testid="tag-discard-dialog"]')).not.toBeNull()
    expect(store.editing).toBe(many[0]!.arn)
    await click('tag-discard')
    expect(store.editing).toBeNull()
    expect(w.findComponent(NModal).props('show')).toBe(false)
    store.editing = many[2]!.arn
    await flushPromises()
    ;(document.querySelector('[data-testid="tag-editor"] .n-base-close') as HTMLElement).click()
    await flushPromises()
    expect(w.findComponent(NModal).props('show')).toBe(false)
    expect(store.editing).toBeNull()
    w.unmount()
  })
})

describe('bulk dialog', () => {
  it('previews, runs and shows n of m, rate, ETA and the result', async () => {
    const { pinia, store } = await setup(many.slice(0, 10))
    for (const e of many.slice(0, 4)) store.toggle(e.arn)
    const w = mount(BulkTagDialog, { props: { show: true }, global: { plugins: [pinia] }, attachTo: document.body })
    await flushPromises()
    const key = document.querySelector<HTMLInputElement>('[data-testid="bulk-tag-key"] input')!
    key.value = 'campaign'
    key.dispatchEvent(new Event('input'))
    await new Promise((r) => setTimeout(r, 250))
    await flushPromises()
    ;(document.querySelector('[data-testid="bulk-preview"]') as HTMLButtonElement).click()
    await flushPromises()
    expect(backend.previewBulk).toHaveBeenCalledWith(expect.objectContaining({ kind: 'add', tags: [{ key: 'campaign', value: '' }] }))
    expect(document.querySelector('[data-testid="bulk-preview-summary"]')?.textContent).toMatch(/4\s+will change/)
    ;(document.querySelector('[data-testid="bulk-run"]') as HTMLButtonElement).click()
    await flushPromises()
    expect(backend.startBulk).toHaveBeenCalledWith(expect.objectContaining({ arns: many.slice(0, 4).map((e) => e.arn) }))
    emit('catalog:bulk', bulkView({ phase: 'running', done: 2, total: 4, rate: 4.9, etaSeconds: 0.4 }))
    await nextTick()
    expect(document.querySelector('[data-testid="bulk-count"]')?.textContent).toBe('2 of 4')
    expect(document.querySelector('[data-testid="bulk-progress"]')?.textContent).toContain('4.9 req/s')
    emit('catalog:bulk', bulkView({ phase: 'done', done: 3, failed: 1, total: 4, succeeded: many.slice(0, 3).map((e) => e.arn),
      failures: [{ arn: many[3]!.arn, code: 'ResourceNotFoundException', message: 'gone' }] }))
    await nextTick()
    expect(document.querySelector('[data-testid="bulk-done"]')?.textContent).toContain('3 tagged, 1 failed')
    expect(document.querySelector('[data-testid="bulk-failures"]')?.textContent).toContain('ResourceNotFoundException')
    w.unmount()
  })
})

describe('catalog at scale', () => {
  it('Ctrl+A on 5,000 asks Go how long the job takes, counting the tags already read', async () => {
    vi.useFakeTimers()
    const { pinia, store } = await setup()
    store.applyTags({ arn: many[0]!.arn, tags: [], at: '2026-01-01T10:00:00Z' })
    backend.estimateBulk.mockResolvedValue({ count: 5000, known: 1, reads: 4999, writes: 5000, seconds: 2000, text: 'about 34 min (4,999 tag lists to read at 5/s, then up to 5,000 writes at 5/s)' })
    const w = mount(EntityTable, { global: { plugins: [pinia] }, attachTo: document.body })
    await w.find('[data-testid="entity-scroller"]').trigger('keydown', { key: 'a', ctrlKey: true })
    await vi.advanceTimersByTimeAsync(300)
    expect(backend.estimateBulk).toHaveBeenCalledTimes(1)
    expect(backend.estimateBulk.mock.calls[0]![1]).toHaveLength(5000)
    expect(store.estimate?.text).toMatch(/^about 34 min/)
    // Cleared with the selection.
    store.clearSelection()
    await vi.advanceTimersByTimeAsync(300)
    expect(store.estimate).toBeNull()
    vi.useRealTimers()
    w.unmount()
  })

  it('reads the tags not read yet when asked, and counts what a tag search covers', async () => {
    const { store } = await setup(many.slice(0, 10))
    store.applyTags({ arn: many[0]!.arn, tags: [{ key: 'team', value: 'a' }], at: '2026-01-01T10:00:00Z' })
    expect(store.unreadTags).toBe(9)
    backend.readAllTags.mockResolvedValue({ queued: 9, seconds: 1.8, text: 'about 2 s (9 tag lists to read at 5/s)' })
    await store.readAllTags()
    expect(backend.readAllTags).toHaveBeenCalledTimes(1)
    expect(store.tagsReading?.queued).toBe(9)
  })

  it('shows which diffs come from tags read earlier, and reads them all again on request', async () => {
    const { pinia, store } = await setup(many.slice(0, 10))
    for (const e of many.slice(0, 4)) store.toggle(e.arn)
    backend.previewBulk.mockImplementation(async (req) => ({
      changes: req.arns.map((arn, i) => ({ arn, added: req.tags, changed: [], removed: [], readAt: !req.readAll && i < 3 ? '2026-01-01T10:00:00Z' : '' })),
      unchanged: [], errors: [], changedArns: req.arns, known: req.readAll ? 0 : 3, oldest: req.readAll ? '' : '2026-01-01T10:00:00Z',
    }))
    const w = mount(BulkTagDialog, { props: { show: true }, global: { plugins: [pinia] }, attachTo: document.body })
    await flushPromises()
    const key = document.querySelector<HTMLInputElement>('[data-testid="bulk-tag-key"] input')!
    key.value = 'campaign'
    key.dispatchEvent(new Event('input'))
    await new Promise((r) => setTimeout(r, 250))
    await flushPromises()
    ;(document.querySelector('[data-testid="bulk-preview"]') as HTMLButtonElement).click()
    await flushPromises()
    expect(backend.previewBulk.mock.calls[0]![0].readAll).toBeFalsy()
    expect(document.querySelector('[data-testid="bulk-preview-known"]')?.textContent).toMatch(/3 of 4 from the tags already read.*1 read now/s)
    expect(document.querySelectorAll('[data-testid="bulk-diff-age"]')).toHaveLength(3)
    ;(document.querySelector('[data-testid="bulk-read-all"]') as HTMLButtonElement).click()
    await flushPromises()
    expect(backend.previewBulk.mock.calls[1]![0].readAll).toBe(true)
    expect(document.querySelector('[data-testid="bulk-preview-known"]')).toBeNull()
    expect(document.querySelectorAll('[data-testid="bulk-diff-age"]')).toHaveLength(0)
    w.unmount()
  })
})
