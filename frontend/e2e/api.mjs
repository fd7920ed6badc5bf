// Arranging what a scenario needs through Enclave's own REST API (users, quotas), so each
// scenario starts from a known state without clicking through unrelated screens.
export class Api {
  constructor(config) {
    this.config = config;
  }

  async login(username, password) {
    const body = await this.call('POST', '/api/v1/auth/login', null, { username, password });
    return body.access_token;
  }

  async admin() {
    return this.login('admin', this.config.adminPassword);
  }

  /** A new local user of the administrator's tenant; returns its id. */
  async createUser(username, password, roles) {
    const user = await this.call('POST', '/api/v1/users', await this.admin(), { username, password, roles });
    return user.id;
  }

  async call(method, path, token, body) {
    const response = await fetch(new URL(path, this.config.baseUrl), {
      method,
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined || body === null ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    }
    return text ? JSON.parse(text) : null;
  }
}

/** A fresh name, so scenarios never share users. */
export const unique = (prefix) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
