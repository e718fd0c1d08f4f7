/*
 * ACSL logic for the IPC frame decoder (src/core/ipc_frame.h).
 * Included by that header after the types it talks about; installed with it.
 * No axioms, no lemmas: every function and predicate here is a plain
 * definition.
 *
 * The rules table dsg_ipc_rules is named, never its values: the proof runs
 * with -wp-no-init-const, so what is proved holds for any content of the
 * table, and tests/check_ipc_frame.c pins the content to the message list
 * of REQ-RUN-026. What does not depend on the table is stated concretely:
 * no payload above DSG_IPC_PAYLOAD_MAX, the stream rules of each stream type,
 * the credit arithmetic.
 */
#ifndef DSG_ACSL_IPC_FRAME_H
#define DSG_ACSL_IPC_FRAME_H

/*@
  // Little-endian integers at p (header fields and payload words).
  logic integer dsg_ipc_le16{L}(uint8_t *p) = p[0] + 256 * p[1];
  logic integer dsg_ipc_le32{L}(uint8_t *p) =
    p[0] + 256 * p[1] + 65536 * p[2] + 16777216 * p[3];
  logic integer dsg_ipc_le64{L}(uint8_t *p) =
    dsg_ipc_le32(p) + 4294967296 * dsg_ipc_le32(p + 4);

  // The four header fields of the frame at b.
  logic integer dsg_ipc_hdr_type{L}(uint8_t *b) = dsg_ipc_le16(b);
  logic integer dsg_ipc_hdr_flags{L}(uint8_t *b) = dsg_ipc_le16(b + 2);
  logic integer dsg_ipc_hdr_length{L}(uint8_t *b) = dsg_ipc_le32(b + 4);
  logic integer dsg_ipc_hdr_id{L}(uint8_t *b) = dsg_ipc_le32(b + 8);

  predicate dsg_ipc_peer_ok(integer p) =
    p == DSG_IPC_PEER_MASTER || p == DSG_IPC_PEER_WORKER;

  // The other end of the channel.
  logic integer dsg_ipc_other(integer p) = 1 - p;

  predicate dsg_ipc_bit(integer b) = b == 0 || b == 1;

  predicate dsg_ipc_stream_ok{L}(dsg_ipc_stream *s) =
    dsg_ipc_bit(s->sending) && dsg_ipc_bit(s->receiving) &&
    s->credit <= DSG_IPC_CREDIT_MAX;

  // Neither end of the stream is still at it: the slot may be reopened.
  predicate dsg_ipc_stream_idle{L}(dsg_ipc_stream *s) =
    s->sending == 0 && s->receiving == 0;

  // A well-formed channel: a known state, two well-formed stream slots, and
  // streams only while the channel is READY.
  predicate dsg_ipc_channel_ok{L}(dsg_ipc_channel *ch) =
    ch->state < DSG_IPC_STATE_COUNT &&
    dsg_ipc_stream_ok(&ch->stream[0]) && dsg_ipc_stream_ok(&ch->stream[1]) &&
    (ch->state != DSG_IPC_STATE_READY ==>
       dsg_ipc_stream_idle(&ch->stream[0]) && dsg_ipc_stream_idle(&ch->stream[1]));

  predicate dsg_ipc_type_known(integer t) = 1 <= t < DSG_IPC_TYPE_COUNT;

  // The types that act on a stream slot (they need a READY channel).
  predicate dsg_ipc_stream_type(integer t) =
    t == DSG_IPC_STREAM_OPEN || t == DSG_IPC_DATA || t == DSG_IPC_CREDIT ||
    t == DSG_IPC_END || t == DSG_IPC_ABORT || t == DSG_IPC_STREAM_CLOSE;

  // Payload bytes the decoder itself reads: STREAM_OPEN's initial credit at
  // offset 12, CREDIT's grant at offset 0.
  logic integer dsg_ipc_need(integer t) =
    t == DSG_IPC_STREAM_OPEN ? 16 : (t == DSG_IPC_CREDIT ? 4 : 0);

  // The payload length n is one the type allows: within the table's row,
  // never above DSG_IPC_PAYLOAD_MAX, never shorter than what is read.
  predicate dsg_ipc_size_ok{L}(integer t, integer n) =
    dsg_ipc_rules[t].min_len <= n <= dsg_ipc_rules[t].max_len &&
    dsg_ipc_need(t) <= n <= DSG_IPC_PAYLOAD_MAX;

  predicate dsg_ipc_sender_ok{L}(integer t, integer p) =
    dsg_ipc_rules[t].from[p] != 0;

  // The channel is closed and the type is not one a closed channel takes.
  predicate dsg_ipc_closed_for{L}(dsg_ipc_channel *ch, integer t) =
    ch->state == DSG_IPC_STATE_CLOSED &&
    dsg_ipc_rules[t].in_state[DSG_IPC_STATE_CLOSED] == 0;

  // What the stream slots must say for a stream type sent by p: its own
  // slot for the sender's frames, the other's slot for the receiver's.
  predicate dsg_ipc_stream_cond{L}(dsg_ipc_channel *ch, integer t, integer p) =
    (dsg_ipc_stream_type(t) ==> ch->state == DSG_IPC_STATE_READY) &&
    (t == DSG_IPC_STREAM_OPEN ==> dsg_ipc_stream_idle(&ch->stream[p])) &&
    (t == DSG_IPC_DATA || t == DSG_IPC_END || t == DSG_IPC_ABORT ==>
       ch->stream[p].sending == 1) &&
    (t == DSG_IPC_CREDIT || t == DSG_IPC_STREAM_CLOSE ==>
       ch->stream[dsg_ipc_other(p)].receiving == 1);

  // The type is allowed in the channel's state (table) and stream slots.
  predicate dsg_ipc_state_ok{L}(dsg_ipc_channel *ch, integer t, integer p) =
    dsg_ipc_rules[t].in_state[ch->state] != 0 && dsg_ipc_stream_cond(ch, t, p);

  // DATA needs a credit left.
  predicate dsg_ipc_credit_left{L}(dsg_ipc_channel *ch, integer t, integer p) =
    t == DSG_IPC_DATA ==> ch->stream[p].credit >= 1;

  // Credit never exceeds DSG_IPC_CREDIT_MAX: neither STREAM_OPEN's initial
  // credit nor the credit a CREDIT frame would bring the stream to.
  predicate dsg_ipc_credit_fits{L}(dsg_ipc_channel *ch, integer t, integer p,
                                   uint8_t *pl) =
    (t == DSG_IPC_STREAM_OPEN ==> dsg_ipc_le32(pl + 12) <= DSG_IPC_CREDIT_MAX) &&
    (t == DSG_IPC_CREDIT ==>
       ch->stream[dsg_ipc_other(p)].credit + dsg_ipc_le32(pl) <= DSG_IPC_CREDIT_MAX);

  // ---- the decisions of dsg_ipc_decode, in the order they are taken -------

  // The channel and the sender are well formed and a whole header is there.
  predicate dsg_ipc_header_in{L}(dsg_ipc_channel *ch, integer from, integer len) =
    dsg_ipc_channel_ok(ch) && dsg_ipc_peer_ok(from) && len >= DSG_IPC_HEADER_SIZE;

  // ... and the header is well formed: flags 0, a known type, an allowed size.
  predicate dsg_ipc_header_ok{L}(dsg_ipc_channel *ch, integer from, uint8_t *b,
                                 integer len) =
    dsg_ipc_header_in(ch, from, len) && dsg_ipc_hdr_flags(b) == 0 &&
    dsg_ipc_type_known(dsg_ipc_hdr_type(b)) &&
    dsg_ipc_size_ok(dsg_ipc_hdr_type(b), dsg_ipc_hdr_length(b));

  // ... and this peer may send this type now.
  predicate dsg_ipc_allowed{L}(dsg_ipc_channel *ch, integer from, uint8_t *b,
                               integer len) =
    dsg_ipc_header_ok(ch, from, b, len) &&
    dsg_ipc_sender_ok(dsg_ipc_hdr_type(b), from) &&
    !dsg_ipc_closed_for(ch, dsg_ipc_hdr_type(b)) &&
    dsg_ipc_state_ok(ch, dsg_ipc_hdr_type(b), from) &&
    dsg_ipc_credit_left(ch, dsg_ipc_hdr_type(b), from);

  // ... and the whole payload is in the buffer.
  predicate dsg_ipc_complete{L}(dsg_ipc_channel *ch, integer from, uint8_t *b,
                                integer len) =
    dsg_ipc_allowed(ch, from, b, len) &&
    len - DSG_IPC_HEADER_SIZE >= dsg_ipc_hdr_length(b);

  // ... and its credit fits: the frame is accepted.
  predicate dsg_ipc_accepts{L}(dsg_ipc_channel *ch, integer from, uint8_t *b,
                               integer len) =
    dsg_ipc_complete(ch, from, b, len) &&
    dsg_ipc_credit_fits(ch, dsg_ipc_hdr_type(b), from, b + DSG_IPC_HEADER_SIZE);

  // v is the status dsg_ipc_decode answers: the first rule broken, in order.
  predicate dsg_ipc_verdict{L}(dsg_ipc_channel *ch, integer from, uint8_t *b,
                               integer len, integer v) =
    !dsg_ipc_channel_ok(ch) ? v == DSG_IPC_ERR_CHANNEL :
    !dsg_ipc_peer_ok(from) ? v == DSG_IPC_ERR_PEER :
    len < DSG_IPC_HEADER_SIZE ? v == DSG_IPC_NEED_MORE :
    dsg_ipc_hdr_flags(b) != 0 ? v == DSG_IPC_ERR_FLAGS :
    !dsg_ipc_type_known(dsg_ipc_hdr_type(b)) ? v == DSG_IPC_ERR_TYPE :
    !dsg_ipc_size_ok(dsg_ipc_hdr_type(b), dsg_ipc_hdr_length(b)) ?
      v == DSG_IPC_ERR_SIZE :
    !dsg_ipc_sender_ok(dsg_ipc_hdr_type(b), from) ? v == DSG_IPC_ERR_SENDER :
    dsg_ipc_closed_for(ch, dsg_ipc_hdr_type(b)) ? v == DSG_IPC_ERR_CLOSED :
    !dsg_ipc_state_ok(ch, dsg_ipc_hdr_type(b), from) ? v == DSG_IPC_ERR_STATE :
    !dsg_ipc_credit_left(ch, dsg_ipc_hdr_type(b), from) ?
      v == DSG_IPC_ERR_NO_CREDIT :
    len - DSG_IPC_HEADER_SIZE < dsg_ipc_hdr_length(b) ? v == DSG_IPC_NEED_MORE :
    !dsg_ipc_credit_fits(ch, dsg_ipc_hdr_type(b), from, b + DSG_IPC_HEADER_SIZE) ?
      v == DSG_IPC_ERR_CREDIT_OVERFLOW :
    v == DSG_IPC_OK;

  // ---- what an accepted frame does to the channel (L1 before, L2 after) ---

  predicate dsg_ipc_stream_same{L1,L2}(dsg_ipc_stream *s) =
    \at(s->sending, L1) == \at(s->sending, L2) &&
    \at(s->receiving, L1) == \at(s->receiving, L2) &&
    \at(s->credit, L1) == \at(s->credit, L2);

  predicate dsg_ipc_stream_reset{L}(dsg_ipc_stream *s) =
    s->sending == 0 && s->receiving == 0 && s->credit == 0;

  // A type that is not a stream type and whose row names a next state
  // moves the channel there and clears both stream slots.
  predicate dsg_ipc_moves{L}(integer t) =
    !dsg_ipc_stream_type(t) && dsg_ipc_rules[t].next < DSG_IPC_STATE_COUNT;

  // The channel is the same at L1 and L2.
  predicate dsg_ipc_channel_same{L1,L2}(dsg_ipc_channel *ch) =
    \at(ch->state, L1) == \at(ch->state, L2) &&
    dsg_ipc_stream_same{L1,L2}(\at(&ch->stream[0], L1)) &&
    dsg_ipc_stream_same{L1,L2}(\at(&ch->stream[1], L1));

  // The frame is the same at L1 and L2.
  predicate dsg_ipc_frame_same{L1,L2}(dsg_ipc_frame *f) =
    \at(f->type, L1) == \at(f->type, L2) &&
    \at(f->length, L1) == \at(f->length, L2) &&
    \at(f->request_id, L1) == \at(f->request_id, L2) &&
    \at(f->payload, L1) == \at(f->payload, L2);

  // What an accepted frame of type t from p with payload pl does (L1 before,
  // L2 after). A moving type goes to its row's next state and clears both
  // slots (SHUTDOWN and SECCOMP_KILL end every stream). Any other type keeps
  // the state and acts on the slots: STREAM_OPEN opens the sender's slot
  // with its initial credit, DATA takes one credit, END and ABORT end the
  // sender's side, CREDIT adds to the other peer's stream, STREAM_CLOSE ends
  // the receiver's side of it; the rest change nothing.
  predicate dsg_ipc_stepped{L1,L2}(dsg_ipc_channel *ch, integer p, integer t,
                                   uint8_t *pl) =
    \let own = \at(&ch->stream[p], L1);
    \let peer = \at(&ch->stream[dsg_ipc_other(p)], L1);
    (dsg_ipc_moves{L1}(t) ==>
       \at(ch->state, L2) == \at(dsg_ipc_rules[t].next, L1) &&
       dsg_ipc_stream_reset{L2}(\at(&ch->stream[0], L2)) &&
       dsg_ipc_stream_reset{L2}(\at(&ch->stream[1], L2))) &&
    (!dsg_ipc_moves{L1}(t) ==>
       \at(ch->state, L2) == \at(ch->state, L1) &&
       (t == DSG_IPC_STREAM_OPEN ==>
          \at(own->sending, L2) == 1 && \at(own->receiving, L2) == 1 &&
          \at(own->credit, L2) == dsg_ipc_le32{L1}(pl + 12) &&
          dsg_ipc_stream_same{L1,L2}(peer)) &&
       (t == DSG_IPC_DATA ==>
          \at(own->sending, L2) == \at(own->sending, L1) &&
          \at(own->receiving, L2) == \at(own->receiving, L1) &&
          \at(own->credit, L2) == \at(own->credit, L1) - 1 &&
          dsg_ipc_stream_same{L1,L2}(peer)) &&
       (t == DSG_IPC_END || t == DSG_IPC_ABORT ==>
          \at(own->sending, L2) == 0 &&
          \at(own->receiving, L2) == \at(own->receiving, L1) &&
          \at(own->credit, L2) == \at(own->credit, L1) &&
          dsg_ipc_stream_same{L1,L2}(peer)) &&
       (t == DSG_IPC_CREDIT ==>
          dsg_ipc_stream_same{L1,L2}(own) &&
          \at(peer->sending, L2) == \at(peer->sending, L1) &&
          \at(peer->receiving, L2) == \at(peer->receiving, L1) &&
          \at(peer->credit, L2) == \at(peer->credit, L1) + dsg_ipc_le32{L1}(pl)) &&
       (t == DSG_IPC_STREAM_CLOSE ==>
          dsg_ipc_stream_same{L1,L2}(own) &&
          \at(peer->sending, L2) == \at(peer->sending, L1) &&
          \at(peer->receiving, L2) == 0 &&
          \at(peer->credit, L2) == \at(peer->credit, L1)) &&
       (!dsg_ipc_stream_type(t) ==>
          dsg_ipc_stream_same{L1,L2}(own) && dsg_ipc_stream_same{L1,L2}(peer)));
*/

#endif
