/**
 * The numbers of the overlay data plane, each with its unit, its reason and
 * its source. Header sizes and port numbers are the protocol (RFC 7348, RFC
 * 4303, RFC 4106) and never change; the rest is what Docker's overlay driver
 * (moby daemon/libnetwork/drivers/overlay) and the Linux kernel it programs do.
 */

/** IANA's VXLAN port (RFC 7348 §5); overlayutils.VXLANUDPPort's default (`--data-path-port`). */
export const vxlanUdpPort = 4789;
/** The VXLAN header: flags (1), reserved (3), VNI (3), reserved (1) (RFC 7348 §5). */
export const vxlanHeaderBytes = 8;
/** The I flag: "the VNI is valid", the only flag bit RFC 7348 §5 defines. */
export const vxlanFlagVni = 0x08;
/** The largest VNI: 24 bits. */
export const vniMax = 0xff_ffff;
/**
 * The first VNI Docker hands out: moby ovmanager.go allocates from
 * vxlanIDStart = 4096 up to 2^24 - 1, one per subnet, because "Windows does
 * not support VXLAN IDs which overlap the range of 802.1Q VLAN IDs [0, 4095]".
 */
export const dockerVniFirst = 4096;

/** An Ethernet II header without FCS: destination MAC, source MAC, EtherType (IEEE 802.3 §3.2). */
export const ethernetHeaderBytes = 14;
/** The EtherType of IPv4 (IANA). */
export const etherTypeIpv4 = 0x0800;

/**
 * What VXLAN costs an inner packet: outer IPv4 20 + UDP 8 + VXLAN 8 + inner
 * Ethernet 14 (moby ov_network.go vxlanEncap = 50).
 */
export const vxlanOverheadBytes = 50;
/**
 * What ESP adds in the worst aligned case: SPI 4 + sequence number 4 + IV 8 +
 * pad length 1 + next header 1 + ICV 8 (moby encryption.go pktExpansion = 26).
 */
export const espOverheadBytes = 26;
/** The MTU Docker assumes for the underlay when the network sets none (encryption.go maxMTU). */
export const defaultUnderlayMtuBytes = 1500;

/** The SPI field (RFC 4303 §2.1). */
export const espSpiBytes = 4;
/** The 32-bit sequence number field (RFC 4303 §2.2); Docker's SAs use no extended sequence numbers. */
export const espSeqBytes = 4;
/** The explicit IV carried in each packet for AES-GCM (RFC 4106 §3.1). */
export const espIvBytes = 8;
/** SPI ‖ sequence number ‖ IV: the bytes before the ciphertext. */
export const espHeaderBytes = espSpiBytes + espSeqBytes + espIvBytes;
/** The salt that completes the 12-byte GCM nonce (RFC 4106 §4): the last 4 bytes of the SA's key material. */
export const espSaltBytes = 4;
/** Pad length and next header, the ESP trailer's fixed part (RFC 4303 §2.5, §2.6). */
export const espTrailerBytes = 2;
/**
 * ESP's alignment: payload ‖ padding ‖ pad length ‖ next header ends on a
 * 4-byte boundary (RFC 4303 §2.4). GCM is a stream mode (block size 1), so
 * Linux's esp_output pads to ALIGN(1, 4) = 4.
 */
export const espAlignBytes = 4;
/** Docker's AES key: 16 bytes, AES-128 (swarmkit keymanager.go DefaultKeyLen). */
export const overlayAesKeyBytes = 16;

/** The largest 32-bit sequence number; Linux refuses to send past it (xfrm_replay.c xfrm_replay_overflow). */
export const espSeqMax = 0xffff_ffff;
/**
 * Docker's anti-replay window: none. programSA leaves XfrmState.ReplayWindow
 * at 0 (`ip xfrm state` shows `replay-window 0`, moby#45635), and Linux then
 * skips the replay check entirely (xfrm_replay.c: `if (!x->props.replay_window) return 0`).
 */
export const dockerReplayWindow = 0;
/** RFC 4303 §3.4.3's default window (it asks for at least 32 and recommends 64). */
export const rfc4303ReplayWindow = 64;
/** The largest window accepted: Linux's largest anti-replay bitmap, 4096 packets (xfrm_user.c verify_replay, XFRMA_REPLAY_ESN_MAX). */
export const replayWindowMax = 4096;
