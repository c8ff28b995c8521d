import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { backend, profiles, resetSeam, scenarios } from '@/test/seam'
import { useSessionStore } from '@/stores/session'
import TargetPicker from './TargetPicker.vue'
import { optionText, targetOptions, type TargetOption } from './targetOptions'

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

  const select = (w: ReturnType<typeof mount>) => w.find<HTMLSelectElement>('select[data-testid="target-picker"]')

  const shown = (w: ReturnType<typeof mount>) => `${w.find('.target-shown .target-kind').text()} ${w.find('.target-shown .target-name').text()}`

  function option(w: ReturnType<typeof mount>, name: string): HTMLOptionElement {
    const all = [...select(w).element.options]
    const found = all.find((o) => o.value.endsWith(`:${name}`))
    if (!found) throw new Error(`no option ${name} among ${all.map((o) => o.value).join(', ')}`)
    return found
  }

  it('is a native select, named, with the sandbox scenarios and the AWS profiles in two groups', async () => {
    const { w } = await mountPicker()
    expect(select(w).attributes('aria-label')).toBe('Target: sandbox or AWS profile')
    const groups = select(w).findAll('optgroup')
    expect(groups.map((g) => g.attributes('label'))).toEqual(['Sandbox', 'AWS profiles'])
    expect(groups[0]!.findAll('option').map((o) => o.attributes('value'))).toEqual(['sandbox:fresh', 'sandbox:not-seller'])
    expect(groups[1]!.findAll('option').map((o) => o.attributes('value'))).toEqual(['profile:dev', 'profile:corp-sso', 'profile:broken'])
    expect(option(w, 'corp-sso').textContent).toBe('corp-sso — sso · eu-west-1')
  })

  it('shows the current target', async () => {
    const { w } = await mountPicker()
    expect(select(w).element.value).toBe('sandbox:fresh')
    expect(shown(w)).toBe('Sandbox fresh')
  })

  it('switches to a profile with one choice', async () => {
    const { w, store } = await mountPicker()
    await select(w).setValue('profile:dev')
    await flushPromises()
    expect(backend.useProfile).toHaveBeenCalledTimes(1)
    expect(backend.useProfile).toHaveBeenCalledWith('dev')
    expect(backend.useSandbox).not.toHaveBeenCalled()
    expect(store.target?.name).toBe('dev')
    expect(select(w).element.value).toBe('profile:dev')
    expect(shown(w)).toBe('Profile dev')
  })

  it('switches to another sandbox scenario with one choice', async () => {
    const { w } = await mountPicker()
    await select(w).setValue('sandbox:not-seller')
    await flushPromises()
    expect(backend.useSandbox).toHaveBeenCalledWith('not-seller')
    expect(backend.useProfile).not.toHaveBeenCalled()
  })

  it('shows the switch under way, then stays on the current target when it fails', async () => {
    let fail!: (e: unknown) => void
    backend.useProfile.mockReturnValue(new Promise((_, rej) => (fail = rej)))
    const { w, store } = await mountPicker()
    await select(w).setValue('profile:dev')
    await flushPromises()
    expect(select(w).attributes('aria-busy')).toBe('true')
    expect(shown(w)).toBe('Profile dev')
    fail('no such profile')
    await flushPromises()
    expect(select(w).attributes('aria-busy')).toBeUndefined()
    expect(select(w).element.value).toBe('sandbox:fresh')
    expect(shown(w)).toBe('Sandbox fresh')
    expect(store.actionError?.message).toContain('no such profile')
  })

  it('with the arrow keys on the closed box, switches on Enter, not at each step', async () => {
    const { w } = await mountPicker()
    const el = select(w)
    const step = async (to: string) => {
      await el.trigger('keydown', { key: 'ArrowDown' })
      el.element.value = to
      await el.trigger('change')
    }
    await step('sandbox:not-seller')
    await step('profile:dev')
    await flushPromises()
    expect(backend.useSandbox).not.toHaveBeenCalled()
    expect(backend.useProfile).not.toHaveBeenCalled()
    expect(shown(w)).toBe('Profile dev')
    expect(el.element.value).toBe('profile:dev')
    await el.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(backend.useProfile).toHaveBeenCalledTimes(1)
    expect(backend.useProfile).toHaveBeenCalledWith('dev')
    expect(backend.useSandbox).not.toHaveBeenCalled()
  })

  it('drops a choice made with the arrow keys on Escape, and takes it when the focus leaves', async () => {
    const { w } = await mountPicker()
    const el = select(w)
    await el.trigger('keydown', { key: 'ArrowDown' })
    el.element.value = 'sandbox:not-seller'
    await el.trigger('change')
    await el.trigger('keydown', { key: 'Escape' })
    await flushPromises()
    expect(el.element.value).toBe('sandbox:fresh')
    expect(shown(w)).toBe('Sandbox fresh')
    await el.trigger('blur')
    await flushPromises()
    expect(backend.useSandbox).not.toHaveBeenCalled()

    await el.trigger('keydown', { key: 'End' })
    el.element.value = 'profile:dev'
    await el.trigger('change')
    await el.trigger('blur')
    await flushPromises()
    expect(backend.useProfile).toHaveBeenCalledWith('dev')
  })

  it('switches at once on a choice from the open list, even after the arrow keys were used', async () => {
    const { w } = await mountPicker()
    const el = select(w)
    await el.trigger('keydown', { key: 'ArrowUp' }) // at the top already: no change follows
    await new Promise((r) => setTimeout(r, 0))
    await el.setValue('profile:dev')
    await flushPromises()
    expect(backend.useProfile).toHaveBeenCalledWith('dev')
  })

  it('renders a profile with a problem disabled, saying why in the list', async () => {
    const { w } = await mountPicker()
    const broken = option(w, 'broken')
    expect(broken.disabled).toBe(true)
    expect(broken.textContent).toBe('broken — assume-role · no region (unusable: source_profile "nope" does not exist)')
    // No native title: WebKitGTK would parse it as GTK markup.
    expect(broken.title).toBe('')
    expect(option(w, 'dev').disabled).toBe(false)
  })

  it('reads the profiles again when it gets the focus', async () => {
    const { w } = await mountPicker()
    backend.listProfiles.mockClear()
    await select(w).trigger('focus')
    await flushPromises()
    expect(backend.listProfiles).toHaveBeenCalledTimes(1)
  })

  it('cuts a long description short in the list (the sandbox badge shows it whole)', () => {
    const o: TargetOption = { value: 'sandbox:x', label: 'x', kind: 'sandbox', detail: 'A'.repeat(100) }
    expect(optionText(o)).toBe(`x — ${'A'.repeat(63)}…`)
  })
})
