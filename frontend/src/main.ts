import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { markDomReady } from './ready'
import { startStores } from './startup'
import './style.css'

// Start of the ready timing (Shell.Ready): recorded before anything mounts.
if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => markDomReady(performance.now()), { once: true })
}

const pinia = createPinia()
const app = createApp(App).use(pinia)
// Session, onboarding and tiles state are asked for now, in parallel: the
// answers come back while the app mounts.
startStores(pinia)
app.mount('#app')
