import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeIssueNodeCertificateRequest,
  decodeNodeCertificateStatusResponse,
  encodeIssueNodeCertificateRequest,
  encodeNodeCertificateStatusResponse,
  IssuanceState,
} from "../../src/control/ca-messages.js";
import { ProtoWriter, readFields } from "../../src/encoding/index.js";
import { MessageReassembler, decodeRequest, encodeRequest, grpcErrorText } from "../../src/control/rpc-frame.js";
import { propertyRuns } from "../support/properties.js";
import { toHex as hex } from "../support/bytes.js";


describe("protocol buffers", () => {
  it("encodes the protobuf documentation's examples", () => {
    // developers.google.com/protocol-buffers/docs/encoding: field 1 = 150 is 08 96 01; field 2 = "testing" is 12 07 74 65 73 74 69 6e 67.
    expect(hex(new ProtoWriter().uint(1, 150).finish())).toBe("089601");
    expect(hex(new ProtoWriter().string(2, "testing").finish())).toBe("120774657374696e67");
  });

  it("round-trips swarmkit's IssueNodeCertificateRequest and NodeCertificateStatusResponse", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.string(), fc.integer({ min: 0, max: 2 }), (csr, token, availability) => {
        const back = decodeIssueNodeCertificateRequest(encodeIssueNodeCertificateRequest({ csr, token, availability }));
        return back.ok && hex(back.value.csr) === hex(csr) && back.value.token === token && back.value.availability === availability;
      }),
      { seed: 31, numRuns: propertyRuns(200) },
    );
    const msg = {
      state: IssuanceState.issued,
      err: "",
      certificate: { role: 1, csr: new Uint8Array([1, 2]), state: IssuanceState.issued, err: "", certificate: new Uint8Array([3]), cn: "abc" },
    };
    expect(decodeNodeCertificateStatusResponse(encodeNodeCertificateStatusResponse(msg))).toEqual({ ok: true, value: msg });
  });

  it("writes a nested message of one bytes field in place as it would be built apart", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 16_370, max: 16_400 }).map((n) => new Uint8Array(n).fill(7))),
        (field, innerField, value) => {
          const inPlace = new ProtoWriter().uint(1, 5).bytesMessage(field, innerField, value).finish();
          const apart = new ProtoWriter().uint(1, 5).message(field, new ProtoWriter().bytes(innerField, value).finish()).finish();
          return hex(inPlace) === hex(apart);
        },
      ),
      { seed: 33, numRuns: propertyRuns(300) },
    );
    // CompoundMessage { SimpleMessage { payload: 01 02 } }: 0a 04 0a 02 01 02; an empty payload leaves the nested message empty.
    expect(hex(new ProtoWriter().bytesMessage(1, 1, Uint8Array.of(1, 2)).finish())).toBe("0a040a020102");
    expect(hex(new ProtoWriter().bytesMessage(1, 1, new Uint8Array(0)).finish())).toBe("0a00");
  });

  it("never throws on hostile bytes, and says why it refuses them", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const r = readFields(bytes);
        decodeNodeCertificateStatusResponse(bytes);
        decodeRequest(bytes);
        return r.ok || r.reason.length > 0;
      }),
      { seed: 32, numRuns: propertyRuns(2000) },
    );
    expect(readFields(new Uint8Array([0x0a, 0x05, 0x01]))).toEqual({ ok: false, reason: "field 1: length runs past the end" });
  });
});

describe("RPC framing", () => {
  it("reassembles length-prefixed messages split at any byte", () => {
    const frames = [1, 2, 3].map((callId) => encodeRequest({ callId, method: "/docker.swarmkit.v1.CA/GetRootCACertificate", body: new Uint8Array(callId * 100) }));
    const stream = Uint8Array.from(frames.flatMap((f) => [...f]));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 10 }), (cuts) => {
        const r = new MessageReassembler();
        const points = [0, ...[...new Set(cuts)].sort((a, b) => a - b), stream.length];
        const got: number[] = [];
        for (let i = 1; i < points.length; i++) {
          const out = r.push(stream.slice(points[i - 1], points[i]));
          if (!out.ok) return false;
          for (const m of out.messages) {
            const d = decodeRequest(m);
            if (d.ok) got.push(d.value.callId);
          }
        }
        return JSON.stringify(got) === "[1,2,3]";
      }),
      { seed: 33, numRuns: propertyRuns(200) },
    );
  });

  it("refuses compressed or oversized messages", () => {
    expect(new MessageReassembler().push(new Uint8Array([1, 0, 0, 0, 0]))).toMatchObject({ ok: false });
    expect(new MessageReassembler().push(new Uint8Array([0, 0xff, 0xff, 0xff, 0xff]))).toMatchObject({ ok: false });
  });

  it("formats errors as grpc-go does", () => {
    expect(grpcErrorText(7, "Permission denied: node x was removed from swarm")).toBe(
      "rpc error: code = PermissionDenied desc = Permission denied: node x was removed from swarm",
    );
  });
});
