import { flushPromises, mount } from '@vue/test-utils'
import { NSelect } from 'naive-ui'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { backend, profiles, resetSeam, scenarios } from '@/test/seam'
import { useSessionStore } from '@/stores/session'
import TargetPicker from './TargetPicker.vue'
import { targetOptions, type TargetOption } from './targetOptions'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

beforeEach(() => resetSeam())
afterEach(() => {
  document.body.innerHTML = ''
})

describe('target options', () => {
  const groups = targetOptions(scenarios, profiles, null, null)
  const children = (i: number) => groups[i]!.children as TargetOption[]

  it('group sandbox scenarios, then AWS profiles', () => {
    expect(groups.map((g) => g.label)).toEqual(['Sandbox', 'AWS profiles'])
    expect(children(0).map((o) => o.value)).toEqual(['sandbox:fresh', 'sandbox:not-seller'])
    expect(children(1).map((o) => o.value)).toEqual(['profile:dev', 'profile:corp-sso', 'profile:broken'])
  })

  it('show each profile’s kind and region', () => {
    expect(children(1)[1]!.detail).toBe('sso · eu-west-1')
    expect(children(1)[2]!.detail).toBe('assume-role · no region')
  })

  it('disable profiles with a problem and keep the reason for the tooltip', () => {
    const broken = children(1)[2]!
    expect(broken.disabled).toBe(true)
    expect(broken.problem).toBe('source_profile "nope" does not exist')
    expect(children(1)[0]!.disabled).toBe(false)
  })

  it('say so when there are no profiles, or they cannot be read', () => {
    const none = targetOptions(scenarios, [], null, null)[1]!.children as TargetOption[]
    expect(none).toHaveLength(1)
    expect(none[0]).toMatchObject({ disabled: true, label: 'No AWS profiles found' })
    const bad = targetOptions(scenarios, [], null, 'parse error in ~/.aws/config line 3')[1]!.children as TargetOption[]
    expect(bad[0]!.problem).toContain('line 3')
  })

  it('keep an unlisted current target selectable', () => {
    const cur = { kind: 'profile', name: '', region: 'us-east-1', endpoint: '', label: 'Profile default credentials' }
    const opts = targetOptions(scenarios, profiles, cur, null)[1]!.children as TargetOption[]
    expect(opts[0]).toMatchObject({ value: 'profile:', label: 'default credentials' })
  })
})

describe('target picker', () => {
  async function mountPicker() {
    const pinia = createPinia()
    setActivePinia(pinia)
    const store = useSessionStore()
    await store.init()
    const w = mount(TargetPicker, { attachTo: document.body, global: { plugins: [pinia] } })
    await flushPromises()
    return { w, store }
  }

  async function openMenu(w: ReturnType<typeof mount>) {
    await w.find('.n-base-selection').trigger('click')
    await flushPromises()
  }

  function option(label: string): HTMLElement {
    const all = [...document.body.querySelectorAll<HTMLElement>('.n-base-select-option')]
    const found = all.find((el) => el.querySelector('.target-name')?.textContent === label)
    if (!found) throw new Error(`no option ${label} among ${all.map((e) => e.textContent).join(', ')}`)
    return found
  }

  it('shows the current target', async () => {
    const { w } = await mountPicker()
    expect(w.findComponent(NSelect).props('value')).toBe('sandbox:fresh')
    expect(w.text()).toContain('fresh')
  })

  it('switches to a profile with one click on it', async () => {
    const { w, store } = await mountPicker()
    await openMenu(w)
    option('dev').click()
    await flushPromises()
    expect(backend.useProfile).toHaveBeenCalledTimes(1)
    expect(backend.useProfile).toHaveBeenCalledWith('dev')
    expect(backend.useSandbox).not.toHaveBeenCalled()
    expect(store.target?.name).toBe('dev')
  })

  it('switches to another sandbox scenario with one click on it', async () => {
    const { w } = await mountPicker()
    await openMenu(w)
    option('not-seller').click()
    await flushPromises()
    expect(backend.useSandbox).toHaveBeenCalledWith('not-seller')
    expect(backend.useProfile).not.toHaveBeenCalled()
  })

  it('renders a profile with a problem disabled, and clicking it does nothing', async () => {
    const { w } = await mountPicker()
    await openMenu(w)
    const broken = option('broken')
    expect(broken.className).toContain('n-base-select-option--disabled')
    expect(broken.textContent).toContain('unusable')
    broken.click()
    await flushPromises()
    expect(backend.useProfile).not.toHaveBeenCalled()
  })

  it('explains a disabled profile in a tooltip', async () => {
    const { w } = await mountPicker()
    await openMenu(w)
    expect(document.body.textContent).not.toContain('source_profile "nope" does not exist')
    option('broken').dispatchEvent(new MouseEvent('mouseenter', { bubbles: true }))
    await new Promise((r) => setTimeout(r, 250))
    await flushPromises()
    expect(document.body.textContent).toContain('source_profile "nope" does not exist')
  })
})
