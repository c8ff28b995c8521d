import { describe, expect, it } from 'vitest'
import { checkedTime, normalizeTilesView } from './types'

describe('TilesView from Go', () => {
  it('turns Go nils into empty lists and nulls', () => {
    const v = normalizeTilesView({
      tiles: [{ id: 'cas', state: 'not-enrolled', summary: 's', fields: null, checks: null, checkedAt: '0001-01-01T00:00:00Z', stale: true, notes: [{ text: 'n' }] }],
      connected: 1, total: 4, busy: false, sellerConfirmed: true, casEnrolled: false, sddsEnrolled: true, error: null,
    })
    expect(v.tiles[0]).toEqual({ id: 'cas', state: 'not-enrolled', summary: 's', fields: [], checks: [], checkedAt: '0001-01-01T00:00:00Z', stale: true, source: '', notes: [{ text: 'n', link: '' }] })
    expect(v).toMatchObject({ connected: 1, total: 4, sellerConfirmed: true, sddsEnrolled: true, error: null })
    expect(normalizeTilesView(null)).toEqual({ tiles: [], connected: 0, total: 4, busy: false, sellerConfirmed: false, casEnrolled: false, sddsEnrolled: false, error: null })
  })

  it('reads Go\'s zero time as never checked', () => {
    expect(checkedTime('0001-01-01T00:00:00Z')).toBeNull()
    expect(checkedTime('')).toBeNull()
    expect(checkedTime('2026-01-01T10:00:00Z')).toBe('2026-01-01T10:00:00Z')
  })
})
