import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { useOnboardingStore } from '@/stores/onboarding'
import { record, resetSeam, stackView } from '@/test/seam'
import StatusTile from './StatusTile.vue'
import TileGrid from './TileGrid.vue'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

describe('tile grid', () => {
  resetSeam()
  const pinia = createPinia()
  setActivePinia(pinia)
  const w = mount(TileGrid, { global: { plugins: [pinia] } })
  const tiles = w.findAll('[data-testid^="tile-"]').filter((t) => /^tile-(seller|role|cas|sdds)$/.test(t.attributes('data-testid')!))
  const notBuilt = () => tiles.filter((t) => t.attributes('data-testid') !== 'tile-role')
  beforeAll(async () => {
    await useOnboardingStore().init()
    await flushPromises()
  })

  it('renders the four tiles in order, with their test ids', () => {
    expect(tiles.map((t) => t.attributes('data-testid'))).toEqual(['tile-seller', 'tile-role', 'tile-cas', 'tile-sdds'])
    expect(tiles.map((t) => t.find('h2').text())).toEqual([
      'Seller account',
      'Role and access',
      'CAS (Commerce Analytics Service) · legacy',
      'SDDS (Seller Data Feed Delivery Service)',
    ])
  })

  it('shows no fake status for the seller, CAS and SDDS tiles before the Tiles service answers', () => {
    expect(notBuilt()).toHaveLength(3)
    for (const t of notBuilt()) {
      expect(t.text()).not.toContain('Not built yet')
      expect(t.find('[data-testid="tile-status"]').exists()).toBe(false)
      expect(t.find('[data-testid="tile-checked"]').exists()).toBe(false)
      const ownText = t.text().replace('Fills in once Role and access is Connected.', '')
      expect(ownText).not.toMatch(/\b(connected|passed|failed|healthy|all set|last checked)\b/i)
    }
  })

  it('has the real Role and access tile, and CAS and SDDS wait for it', async () => {
    const role = tiles[1]!
    expect(role.find('[data-testid="tile-status"]').text()).toBe('Not connected')
    expect(role.find('[data-testid="launch-open"]').exists()).toBe(true)
    expect(tiles[0]!.find('[data-testid="waits-for-role"]').exists()).toBe(false)
    expect(tiles[2]!.find('[data-testid="waits-for-role"]').text()).toBe('Fills in once Role and access is Connected.')
    expect(tiles[3]!.find('[data-testid="waits-for-role"]').exists()).toBe(true)

    useOnboardingStore().applyEvent(stackView(record('connected')))
    await flushPromises()
    expect(role.find('[data-testid="tile-status"]').text()).toBe('Connected')
    expect(tiles[2]!.find('[data-testid="waits-for-role"]').exists()).toBe(false)
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
