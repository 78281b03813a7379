import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSecretKey, MASK, maskSecrets } from '../../src/diagnostics/secrets.js';

describe('isSecretKey', () => {
  it('knows passwords, tokens, secret and API keys, misspelt too, by name', () => {
    for (const key of ['HTTP_Passwd', 'http_passwd', 'HTTP_Paswd', 'HTTP_Password', 'tls.key_passwd', 'rdkafka.sasl.password', 'httpPasswd', 'aws_secret_access_key', 'aws_access_key_id', 'aws_session_token', 'aws_session_tokn', 'splunk_token', 'apikey', 'api_key', 'license_key', 'shared_key', 'Authorization', 'X-Api-Key', 'cloud_auth_secret', 'pwd']) {
      expect(isSecretKey(key), key).toBe(true);
    }
  });

  it('leaves keys whose values are names, paths or switches', () => {
    for (const key of ['Time_Key', 'Message_Key', 'Key_Name', 'Log_Key', 'HTTP_User', 'Kube_Token_File', 'Kube_Token_Command', 'tls.key_file', 'Match', 'Header', 'taken', 'credentials_endpoint', 'Remove_key']) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });
});

describe('maskSecrets', () => {
  it('masks the value after a secret key in classic, YAML and header lines, and in quoted messages', () => {
    expect(maskSecrets('    HTTP_Passwd  hunter2 is long')).toBe(`    HTTP_Passwd  ${MASK}`);
    expect(maskSecrets('      http_passwd: "a b" # c')).toBe(`      http_passwd: ${MASK} # c`);
    expect(maskSecrets('    Header Authorization Bearer abc')).toBe(`    Header Authorization ${MASK}`);
    expect(maskSecrets("key 'HTTP_Passwd=abc' has no value", "'")).toBe(`key 'HTTP_Passwd=${MASK}' has no value`);
    expect(maskSecrets("unknown key 'HTTP_Paswd' in [OUTPUT] http", "'")).toBe("unknown key 'HTTP_Paswd' in [OUTPUT] http");
    expect(maskSecrets('    AWS_Auth On')).toBe('    AWS_Auth On');
  });

  it('never leaves a value written after a secret key, whatever the value', () => {
    fc.assert(
      fc.property(fc.constantFrom('HTTP_Passwd', 'http_paswd', 'aws_secret_access_key', 'Authorization'), fc.constantFrom(' ', '  ', ': ', '='), fc.stringMatching(/^[A-Za-z0-9+\/=_-]{5,30}$/), (key, sep, value) => {
        fc.pre(!/^(on|off|true|false|yes|no)$/i.test(value));
        expect(maskSecrets(`    ${key}${sep}${value}`)).not.toContain(value);
      }),
    );
  });
});
