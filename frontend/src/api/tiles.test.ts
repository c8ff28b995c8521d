import { describe, expect, it } from 'vitest'
import { checkedTime, normalizeTilesView } from './types'

describe('TilesView from Go', () => {
  it('turns Go nils into empty lists and nulls', () => {
    const v = normalizeTilesView({
      tiles: [{ id: 'cas', required: false, state: 'legacy', summary: 's', fields: null, checks: null, checkedAt: '0001-01-01T00:00:00Z', stale: true, notes: [{ text: 'n' }] }],
      progress: { requiredConnected: 1, required: 3, missing: null, text: '1 of 3 required connected · CAS legacy' },
      busy: false, sellerConfirmed: true, sddsEnrolled: true, error: null,
    })
    expect(v.tiles[0]).toEqual({ id: 'cas', required: false, state: 'legacy', summary: 's', fields: [], checks: [], checkedAt: '0001-01-01T00:00:00Z', stale: true, source: '', notes: [{ text: 'n', link: '' }] })
    expect(v).toMatchObject({ progress: { requiredConnected: 1, required: 3, missing: [], text: '1 of 3 required connected · CAS legacy' }, sellerConfirmed: true, sddsEnrolled: true, error: null })
    expect(normalizeTilesView(null)).toEqual({ tiles: [], progress: { requiredConnected: 0, required: 0, missing: [], text: '' }, busy: false, sellerConfirmed: false, sddsEnrolled: false, error: null })
  })

  it('reads Go\'s zero time as never checked', () => {
    expect(checkedTime('0001-01-01T00:00:00Z')).toBeNull()
    expect(checkedTime('')).toBeNull()
    expect(checkedTime('2026-01-01T10:00:00Z')).toBe('2026-01-01T10:00:00Z')
  })
})
