import { contextBridge, ipcRenderer } from 'electron'
import { createBridge } from './bridge'

// Exactly { invoke, onEvent } on window.clawhq; nothing from Node or Electron itself reaches the page.
contextBridge.exposeInMainWorld('clawhq', createBridge(ipcRenderer))
