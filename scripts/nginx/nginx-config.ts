/** Where an nginx instance of the tests keeps everything, and the ports it listens on (127.0.0.1). */
export interface NginxLayout {
  /** The instance's own directory: config, certificate, pid, logs, temp files, stored files. */
  dir: string;
  ports: { h2: number; h1: number; h1tls: number };
  /** Whether to run the worker as root (only when started by root: the temp dir is root's alone). */
  asRoot: boolean;
}

/** The access log's line format: one JSON object per request, read by `readAccessLog`. */
const ACCESS_LOG_FORMAT = `'{"time":"$time_iso8601","msec":$msec,"port":$server_port,"protocol":"$server_protocol",'
    '"method":"$request_method","uri":"$request_uri","status":$status,"requestLength":$request_length,'
    '"contentLength":"$http_content_length","completion":"$request_completion","id":"$rx_test_id",'
    '"requestTime":$request_time,"bytesSent":$bytes_sent}'`;

const CORS_HEADERS = [
  'Access-Control-Allow-Origin *',
  "Access-Control-Allow-Methods 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS'",
  'Access-Control-Allow-Headers *',
  'Access-Control-Expose-Headers *',
  'Access-Control-Max-Age 600',
  // Lets a page on another origin see the protocol in resource timing, as rx-transfer looks it up before streaming.
  'Timing-Allow-Origin *',
];

/**
 * The routes every public server offers (see `startNginx` for what each does). CORS headers are
 * set once at server level: a location with an `add_header` of its own would drop them all.
 */
function routes(dir: string): string {
  return `
    access_log ${dir}/access.log rx_json;
    root ${dir}/files;
${CORS_HEADERS.map((header) => `    add_header ${header} always;`).join('\n')}
    if ($request_method = OPTIONS) { return 204; }
    location /dav/ {
      dav_methods PUT DELETE;
      create_full_put_path on;
    }
    location /length-required/ {
      if ($rx_length_missing) { return 411; }
      dav_methods PUT DELETE;
      create_full_put_path on;
    }
    location ~ ^/redirect-307/(.*)$ { return 307 /dav/$1$is_args$args; }
    location ~ ^/redirect-308/(.*)$ { return 308 /dav/$1$is_args$args; }
    location ~ ^/redirect-303/ { return 303 /redirected$is_args$args; }
    location = /redirected {
      default_type application/json;
      return 200 '{"redirected":true}\\n';
    }
    location = /drop { return 444; }
    location = /echo {
      proxy_pass http://unix:${dir}/echo.sock;
      proxy_request_buffering on;
    }
    location = /access-log {
      access_log off;
      alias ${dir}/access.log;
      default_type application/x-ndjson;
      expires -1;
    }`;
}

/**
 * The nginx.conf of one test instance: three public servers (HTTPS + HTTP/2, plain HTTP/1.1,
 * HTTPS with HTTP/1.1 only) with the same routes, and `/echo`'s answering server on a Unix
 * socket. Every path is inside `layout.dir`; nothing is read from /etc/nginx.
 */
export function nginxConfig({ dir, ports, asRoot }: NginxLayout): string {
  return `${asRoot ? 'user root;\n' : ''}daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  client_body_temp_path ${dir}/temp/body;
  proxy_temp_path ${dir}/temp/proxy;
  fastcgi_temp_path ${dir}/temp/fastcgi;
  uwsgi_temp_path ${dir}/temp/uwsgi;
  scgi_temp_path ${dir}/temp/scgi;
  types { application/json json; text/plain txt; }
  default_type application/octet-stream;
  client_max_body_size 0;
  absolute_redirect off;
  log_format rx_json escape=json ${ACCESS_LOG_FORMAT};
  map $http_x_test_id $rx_test_id { "" $arg_id; default $http_x_test_id; }
  map $content_length $rx_body_bytes { "" 0; default $content_length; }
  map "$request_method:$http_content_length" $rx_length_missing { "PUT:" 1; default 0; }
  ssl_certificate ${dir}/cert.pem;
  ssl_certificate_key ${dir}/key.pem;
  server {
    listen 127.0.0.1:${ports.h2} ssl http2;${routes(dir)}
  }
  server {
    listen 127.0.0.1:${ports.h1};${routes(dir)}
  }
  server {
    listen 127.0.0.1:${ports.h1tls} ssl;${routes(dir)}
  }
  server {
    listen unix:${dir}/echo.sock;
    access_log off;
    location / {
      default_type application/json;
      return 200 '{"method":"$request_method","bytes":$rx_body_bytes,"id":"$rx_test_id"}\\n';
    }
  }
}
`;
}
