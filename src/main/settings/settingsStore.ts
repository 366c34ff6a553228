// Settings live with the other tables' SQL in the store layer; this name stays for the modules that use it.
export { SettingsStore } from '../store/settingsStore';
