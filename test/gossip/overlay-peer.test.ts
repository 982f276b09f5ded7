import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type EndpointRecord,
  type PeerRecord,
  PortProtocol,
  decodeEndpointRecord,
  decodePeerRecord,
  encodeEndpointRecord,
  encodePeerRecord,
  endpointTable,
  macFromIpv4,
  overlayPeerTable,
  parsePeerRecord,
  peerRecordFor,
} from "../../src/gossip/overlay-peer.js";
import { formatMac } from "../../src/net/index.js";
import { propertyRuns } from "../support/properties.js";
import { fromHex as bytes, toHex as hex } from "../support/bytes.js";

const ascii = (s: string) => hex(new TextEncoder().encode(s));

const text = fc.string({ unit: "binary", maxLength: 12 });
const octet = fc.nat(255);
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join("."));

const arbPeerRecord: fc.Arbitrary<PeerRecord> = fc.record({ endpointIp: text, endpointMac: text, tunnelEndpointIp: text });
const arbEndpointRecord: fc.Arbitrary<EndpointRecord> = fc.record({
  name: text,
  serviceName: text,
  serviceId: text,
  virtualIp: text,
  endpointIp: text,
  ingressPorts: fc.array(
    fc.record({ name: text, protocol: fc.nat(2), targetPort: fc.nat(0xffff_ffff), publishedPort: fc.nat(0xffff_ffff) }),
    { maxLength: 3 },
  ),
  aliases: fc.array(text, { maxLength: 3 }),
  taskAliases: fc.array(text, { maxLength: 3 }),
  serviceDisabled: fc.boolean(),
});

describe("networkdb table names", () => {
  it("are libnetwork's", () => {
    expect(overlayPeerTable).toBe("overlay_peer_table");
    expect(endpointTable).toBe("endpoint_table");
  });
});

describe("overlay PeerRecord", () => {
  const record: PeerRecord = { endpointIp: "10.0.1.3/24", endpointMac: "02:42:0a:00:01:03", tunnelEndpointIp: "192.168.1.10" };

  it("is written as the overlay driver's Join writes it", () => {
    // overlay.proto fields 1-3 are strings: keys 0a, 12, 1a, then length and text.
    const expected = "0a0b" + ascii("10.0.1.3/24") + "1211" + ascii("02:42:0a:00:01:03") + "1a0c" + ascii("192.168.1.10");
    expect(hex(encodePeerRecord(record))).toBe(expected);
    expect(decodePeerRecord(bytes(expected))).toEqual({ ok: true, value: record });
  });

  it("carries the endpoint's address with its prefix, its MAC and its host's VTEP in Go's text forms", () => {
    const peer = { address: "10.0.1.3", prefixLength: 24, mac: macFromIpv4("10.0.1.3"), vtep: "192.168.1.10" };
    expect(peerRecordFor(peer)).toEqual(record);
    expect(parsePeerRecord(record)).toEqual({ ok: true, value: peer });
  });

  it("is refused by EventNotify's parsing when an address or the MAC is malformed", () => {
    expect(parsePeerRecord({ ...record, endpointIp: "10.0.1.3" })).toEqual({ ok: false, reason: 'Invalid peer IP 10.0.1.3: no "/"' });
    expect(parsePeerRecord({ ...record, endpointIp: "10.0.1.3/024" }).ok).toBe(false);
    expect(parsePeerRecord({ ...record, endpointIp: "10.0.1.3/33" }).ok).toBe(false);
    expect(parsePeerRecord({ ...record, endpointIp: "10.0.01.3/24" }).ok).toBe(false);
    expect(parsePeerRecord({ ...record, endpointMac: "02:42:0a:00:01" })).toEqual({ ok: false, reason: "Invalid mac 02:42:0a:00:01: address 02:42:0a:00:01: invalid MAC address" });
    expect(parsePeerRecord({ ...record, tunnelEndpointIp: "" }).ok).toBe(false);
  });

  it("round trips through its wire form and through Go's text forms", () => {
    fc.assert(
      fc.property(arbPeerRecord, (r) => {
        expect(decodePeerRecord(encodePeerRecord(r))).toEqual({ ok: true, value: r });
      }),
      { seed: 701, numRuns: propertyRuns(300) },
    );
    fc.assert(
      fc.property(ipv4, fc.nat(32), fc.uint8Array({ minLength: 6, maxLength: 6 }), ipv4, (address, prefixLength, mac, vtep) => {
        const peer = { address, prefixLength, mac, vtep };
        expect(parsePeerRecord(peerRecordFor(peer))).toEqual({ ok: true, value: peer });
      }),
      { seed: 702, numRuns: propertyRuns(300) },
    );
  });
});

describe("MACs", () => {
  it("of overlay endpoints are 02:42 and the IPv4 address (netutils.GenerateMACFromIP)", () => {
    expect(formatMac(macFromIpv4("10.255.0.7"))).toBe("02:42:0a:ff:00:07");
  });
});

describe("libnetwork EndpointRecord", () => {
  it("is written field by field as gogoproto does", () => {
    const record: EndpointRecord = {
      name: "web.1",
      serviceName: "web",
      serviceId: "s1",
      virtualIp: "10.0.0.2",
      endpointIp: "10.0.0.5",
      ingressPorts: [{ name: "", protocol: PortProtocol.tcp, targetPort: 80, publishedPort: 8080 }],
      aliases: ["w"],
      taskAliases: [""],
      serviceDisabled: true,
    };
    const expected =
      "0a05" + ascii("web.1") +
      "1203" + ascii("web") +
      "1a02" + ascii("s1") +
      "2208" + ascii("10.0.0.2") +
      "2a08" + ascii("10.0.0.5") +
      "3205" + "1850" + "20903f" + // PortConfig: protocol TCP (0) left out, target_port 80 = 50, published_port 8080 = 63·128 + 16 → 90 3f
      "3a01" + ascii("w") +
      "4200" + // an empty task alias is still written
      "4801";
    expect(hex(encodeEndpointRecord(record))).toBe(expected);
    expect(decodeEndpointRecord(encodeEndpointRecord(record))).toEqual({ ok: true, value: record });
  });

  it("of a container on an attachable network has the virtual IP Go prints for a nil IP", () => {
    const record: EndpointRecord = {
      name: "c1",
      serviceName: "",
      serviceId: "",
      virtualIp: "<nil>",
      endpointIp: "10.0.1.3",
      ingressPorts: [],
      aliases: [],
      taskAliases: [],
      serviceDisabled: false,
    };
    expect(hex(encodeEndpointRecord(record))).toBe("0a02" + ascii("c1") + "2205" + ascii("<nil>") + "2a08" + ascii("10.0.1.3"));
  });

  it("round trips", () => {
    fc.assert(
      fc.property(arbEndpointRecord, (r) => {
        expect(decodeEndpointRecord(encodeEndpointRecord(r))).toEqual({ ok: true, value: r });
      }),
      { seed: 703, numRuns: propertyRuns(300) },
    );
  });

  it("refuses a port beyond uint32 and a malformed port entry, saying where", () => {
    expect(decodeEndpointRecord(bytes("32 06 18 80 80 80 80 10"))).toEqual({
      ok: false,
      reason: "EndpointRecord: ingress_ports[0]: field 3: 4294967296 is out of uint32 range",
    });
    expect(decodeEndpointRecord(bytes("32 01 18"))).toEqual({
      ok: false,
      reason: "EndpointRecord: ingress_ports[0]: field 3: truncated or oversized varint",
    });
    expect(() =>
      encodeEndpointRecord({
        name: "",
        serviceName: "",
        serviceId: "",
        virtualIp: "",
        endpointIp: "",
        ingressPorts: [{ name: "", protocol: 0, targetPort: 2 ** 32, publishedPort: 0 }],
        aliases: [],
        taskAliases: [],
        serviceDisabled: false,
      }),
    ).toThrow(/"targetPort"/);
  });
});

describe("table values from hostile bytes", () => {
  it("never throw, and give a reason when they refuse", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (b) => {
        for (const d of [decodePeerRecord(b), decodeEndpointRecord(b)]) if (!d.ok) expect(d.reason.length).toBeGreaterThan(0);
      }),
      { seed: 711, numRuns: propertyRuns(2000) },
    );
  });

  it("never throw on a record cut short or with a byte changed", () => {
    fc.assert(
      fc.property(arbEndpointRecord, arbPeerRecord, fc.nat(), fc.nat(255), (endpoint, peer, at, value) => {
        for (const [full, decode] of [
          [encodeEndpointRecord(endpoint), decodeEndpointRecord],
          [encodePeerRecord(peer), decodePeerRecord],
        ] as const) {
          (decode as (b: Uint8Array) => unknown)(full.subarray(0, at % (full.length + 1)));
          const changed = full.slice();
          if (changed.length > 0) changed[at % changed.length] = value;
          (decode as (b: Uint8Array) => unknown)(changed);
        }
      }),
      { seed: 712, numRuns: propertyRuns(500) },
    );
  });
});
