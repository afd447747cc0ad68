/** RFC 9113 §3.4: the client connection preface starts with these 24 octets, then a SETTINGS frame. */
export const CLIENT_PREFACE = new TextEncoder().encode('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
