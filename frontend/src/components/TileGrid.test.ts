import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import StatusTile from './StatusTile.vue'
import TileGrid from './TileGrid.vue'

describe('tile grid', () => {
  const w = mount(TileGrid)
  const tiles = w.findAll('[data-testid^="tile-"]').filter((t) => /^tile-(seller|role|cas|sdds)$/.test(t.attributes('data-testid')!))

  it('renders the four tiles in order, with their test ids', () => {
    expect(tiles.map((t) => t.attributes('data-testid'))).toEqual(['tile-seller', 'tile-role', 'tile-cas', 'tile-sdds'])
    expect(tiles.map((t) => t.find('h2').text())).toEqual([
      'Seller account',
      'Role and access',
      'CAS (Commerce Analytics Service)',
      'SDDS (Seller Data Feed Delivery Service)',
    ])
  })

  it('says plainly that no checks exist yet, and shows no fake status', () => {
    for (const t of tiles) {
      expect(t.text()).toContain('Status checks for this tile arrive in a later release')
      expect(t.find('[data-testid="tile-status"]').text()).toBe('Not built yet')
      expect(t.find('[data-testid="tile-checked"]').exists()).toBe(false)
      expect(t.text()).not.toMatch(/\b(connected|passed|failed|healthy|all set|last checked)\b/i)
    }
  })

  it('tells what each tile will check', () => {
    expect(tiles[0]!.text()).toMatch(/registered as an AWS Marketplace seller/)
    expect(tiles[1]!.text()).toMatch(/CloudFormation stack/)
    expect(tiles[2]!.text()).toMatch(/bucket and SNS topic/)
    expect(tiles[3]!.text()).toMatch(/S3 bucket, KMS key and SNS topic/)
  })
})

describe('status tile', () => {
  it('is generic: title, status, body, last-checked line', () => {
    const w = mount(StatusTile, {
      props: { title: 'Example', status: { label: 'Connected', type: 'success' }, lastChecked: new Date().toISOString() },
      slots: { default: '<p class="body">details</p>' },
    })
    expect(w.find('h2').text()).toBe('Example')
    expect(w.find('[data-testid="tile-status"]').text()).toBe('Connected')
    expect(w.find('.body').text()).toBe('details')
    expect(w.find('[data-testid="tile-checked"]').text()).toBe('Last checked just now')
  })

  it('says "Never checked" for null and omits the line when not given', () => {
    expect(mount(StatusTile, { props: { title: 'A', lastChecked: null } }).find('[data-testid="tile-checked"]').text()).toBe('Never checked')
    expect(mount(StatusTile, { props: { title: 'B' } }).find('[data-testid="tile-checked"]').exists()).toBe(false)
  })
})
