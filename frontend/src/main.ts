import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { markDomReady } from './ready'
import './style.css'

// Start of the ready timing (Shell.Ready): recorded before anything mounts.
if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => markDomReady(performance.now()), { once: true })
}

createApp(App).use(createPinia()).mount('#app')
