import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { backend, bulkView, emit, entitiesView, entity, resetSeam } from '@/test/seam'
import { formatEta, matches, useCatalogStore } from './catalog'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

const list = [entity('Offer', 1, { name: 'Gold offer' }), entity('SaaSProduct', 2, { name: 'Analytics' }), entity('Offer', 3, { name: 'Bronze offer' })]

describe('catalog store', () => {
  beforeEach(() => {
    resetSeam()
    setActivePinia(createPinia())
    backend.catalogEntities.mockResolvedValue(entitiesView(list, { stale: true }))
    backend.refreshEntities.mockResolvedValue(entitiesView(list, { version: 1 }))
    backend.allTags.mockResolvedValue({ [list[0]!.arn]: [{ key: 'team', value: 'gold' }] })
  })

  it('shows the cached list at once and refreshes it in the background', async () => {
    const s = useCatalogStore()
    await s.init()
    expect(s.count).toBe(3)
    expect(backend.catalogEntities).toHaveBeenCalledBefore(backend.refreshEntities)
    await flushPromises()
    expect(backend.refreshEntities).toHaveBeenCalledWith(false)
    expect(s.meta?.stale).toBe(false)
    expect(s.tagsOf(list[0]!.arn)).toEqual([{ key: 'team', value: 'gold' }])
  })

  it('searches names, types and tags, filters by type and sorts', async () => {
    const s = useCatalogStore()
    await s.init()
    s.query = 'offer'
    expect(s.visible.map((e) => e.name)).toEqual(['Bronze offer', 'Gold offer'])
    s.query = 'team=gold'
    expect(s.visible.map((e) => e.name)).toEqual(['Gold offer'])
    s.query = ''
    s.typeFilter = 'SaaSProduct'
    expect(s.visible.map((e) => e.name)).toEqual(['Analytics'])
    s.typeFilter = ''
    s.setSort('name')
    expect(s.visible.map((e) => e.name)).toEqual(['Analytics', 'Bronze offer', 'Gold offer'])
    s.setSort('name')
    expect(s.visible.map((e) => e.name)).toEqual(['Gold offer', 'Bronze offer', 'Analytics'])
  })

  it('selects all shown, and forgets selections of entities that went away', async () => {
    const s = useCatalogStore()
    await s.init()
    s.query = 'offer'
    s.toggleAllVisible()
    expect(s.selectedArns.sort()).toEqual([list[0]!.arn, list[2]!.arn].sort())
    s.toggleAllVisible()
    expect(s.selected.size).toBe(0)
    s.toggle(list[2]!.arn)
    backend.catalogEntities.mockResolvedValue(entitiesView(list.slice(0, 2), { version: 7 }))
    emit('catalog:entities', entitiesView([], { version: 7, count: 2 }))
    await flushPromises()
    expect(s.count).toBe(2)
    expect(s.selected.size).toBe(0)
  })

  it('follows tag and bulk events, and re-reads the journal when a job ends', async () => {
    const s = useCatalogStore()
    await s.init()
    emit('catalog:tags', { arn: list[1]!.arn, tags: [{ key: 'a', value: 'b' }], at: '' })
    expect(s.tagsOf(list[1]!.arn)).toEqual([{ key: 'a', value: 'b' }])
    emit('catalog:bulk', bulkView({ phase: 'running', done: 3, total: 10 }))
    expect(s.bulkRunning).toBe(true)
    backend.bulkJobs.mockClear()
    emit('catalog:bulk', bulkView({ phase: 'done', done: 10, total: 10 }))
    await flushPromises()
    expect(backend.bulkJobs).toHaveBeenCalled()
  })

  it('asks only for tags not read yet', async () => {
    const s = useCatalogStore()
    await s.init()
    s.requestTags(list.map((e) => e.arn))
    expect(backend.loadTags).toHaveBeenCalledWith([list[1]!.arn, list[2]!.arn])
  })

  it('keeps the error of a failed refresh and the list it had', async () => {
    const s = useCatalogStore()
    backend.refreshEntities.mockRejectedValue(new Error('AccessDeniedException: not allowed'))
    await s.init()
    await flushPromises()
    expect(s.actionError).toContain('AccessDenied')
    expect(s.count).toBe(3)
  })
})

describe('helpers', () => {
  it('formats an ETA', () => {
    expect(formatEta(0)).toBe('')
    expect(formatEta(9.4)).toBe('9 s')
    expect(formatEta(65)).toBe('1 m 05 s')
  })
  it('matches tag keys and values', () => {
    const e = entity('Offer', 1)
    expect(matches(e, [{ key: 'Stage', value: 'Beta' }], 'beta')).toBe(true)
    expect(matches(e, [], 'nothing-like-this')).toBe(false)
  })
})
