// The journal's on-disk format: segment files and the records in them. This
// comment is the format's definition; format.cc encodes and decodes it.
//
//   uint8_t header[kSegmentHeaderBytes];
//   EncodeSegmentHeader(7, 64 << 20, header);
//   DecodedRecord rec;
//   RecordState s = DecodeRecord(segment.subspan(offset), &rec, &commands);
//
// All integers are little-endian. All CRCs are CRC32C (Castagnoli).
//
// SEGMENT FILE  DIR/segment-NNNNNN.log, NNNNNN = segment number from 000001
//
// Created at its full size before use: header, then zeros, written (not
// fallocated: an unwritten extent would make the first append change
// metadata), fsynced as segment-NNNNNN.log.tmp, renamed, directory fsynced.
//
//   offset  size  field
//        0     8  magic "MRDNJSEG" (4d 52 44 4e 4a 53 45 47)
//        8     4  format version, 1
//       12     4  segment number (equals the one in the file name)
//       16     8  segment size in bytes (equals the file size)
//       24    36  reserved, zero
//       60     4  CRC32C of bytes [0, 60)
//       64        records, back to back, from the first one
//
// A record never spans segments: when the next record does not fit in the
// rest of a segment, it goes at offset 64 of the next one. After a segment's
// last record every byte is zero. (The first seq is not in the header:
// segments are created ahead of time, before that seq is known.)
//
// RECORD  one per batch, starts at a multiple of 8
//
//   offset  size  field
//        0     4  magic "MRDB" (4d 52 44 42)
//        4     2  format version, 1
//        6     2  header size in bytes, 128
//        8     4  record_bytes: header + payload + padding, a multiple of 8
//       12     4  payload_bytes
//       16     8  seq                  -+
//       24     8  first_command_index   |  the batch header: BatchHash() is
//       32     4  command_count         |  SHA-256 of exactly these 92
//       36     8  time_ns (signed)      |  bytes, [16, 108)
//       44    32  prev_hash             |
//       76    32  merkle_root          -+
//      108     4  body CRC32C: of bytes [128, record_bytes), payload+padding
//      112    12  reserved, zero
//      124     4  header CRC32C: of bytes [0, 124)
//      128        payload: command_count times { u32 length, length bytes }
//                 padding: zeros up to record_bytes
//
// Every byte of a record is covered by one of the two CRCs. The header CRC
// covers the body CRC, so a good header CRC plus a good body CRC cover all of
// it; with two CRCs a record whose header is intact but whose body was torn
// (record length known) can be told from one whose header is damaged (length
// unknown).
//
// Limits checked on decode: command_count <= kMaxCommandsPerBatch,
// record_bytes <= kMaxRecordBytesLimit and within the segment, the command
// lengths add up to exactly payload_bytes.
#ifndef MERIDIAN_JOURNAL_INTERNAL_FORMAT_H_
#define MERIDIAN_JOURNAL_INTERNAL_FORMAT_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "journal/journal.h"

namespace meridian::journal::internal {

inline constexpr uint64_t kSegmentHeaderBytes = 64;
static_assert(kSegmentHeaderBytes == kFirstRecordOffset);
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr char kSegmentMagic[8] = {'M', 'R', 'D', 'N',
                                          'J', 'S', 'E', 'G'};
inline constexpr char kRecordMagic[4] = {'M', 'R', 'D', 'B'};

// Record header field offsets.
inline constexpr size_t kRecordBytesOffset = 8;
inline constexpr size_t kPayloadBytesOffset = 12;
inline constexpr size_t kBatchHeaderOffset = 16;
inline constexpr size_t kBatchHeaderBytes = 92;
inline constexpr size_t kPrevHashOffset = 44;
inline constexpr size_t kMerkleRootOffset = 76;
inline constexpr size_t kBodyCrcOffset = 108;
inline constexpr size_t kHeaderCrcOffset = 124;
static_assert(kBatchHeaderOffset + kBatchHeaderBytes == kBodyCrcOffset);
static_assert(kHeaderCrcOffset + 4 == kRecordHeaderBytes);

// "segment-000042.log".
std::string SegmentFileName(uint32_t number);
// 42 for "segment-000042.log"; nullopt for any other name.
std::optional<uint32_t> ParseSegmentFileName(std::string_view name);

void EncodeSegmentHeader(uint32_t number, uint64_t size_bytes,
                         uint8_t out[kSegmentHeaderBytes]);
// Empty when `header` is a valid header of segment `number` in a file of
// `file_size_bytes`; else what is wrong.
std::string CheckSegmentHeader(std::span<const uint8_t> header, uint32_t number,
                               uint64_t file_size_bytes);

// The 92 bytes BatchHash() hashes.
void EncodeBatchHeader(const BatchHeader& header,
                       uint8_t out[kBatchHeaderBytes]);
BatchHeader DecodeBatchHeader(const uint8_t in[kBatchHeaderBytes]);

// Fills the 128-byte header of `record` (whose payload and zero padding are
// already in place at [128, record.size())) and both CRCs.
void FinishRecord(const BatchHeader& header, uint32_t payload_bytes,
                  std::span<uint8_t> record);

enum class RecordState {
  kValid,      // both CRCs good, fields consistent, payload parses
  kEmpty,      // the header's bytes (or what is left of the segment) are zero
  kBadHeader,  // magic or header CRC wrong: torn or damaged, length unknown
  kBadBody,    // header good, body CRC wrong: torn or damaged, length known
  kMalformed,  // CRCs good but the contents are impossible: damage or a bug
};

struct DecodedRecord {
  BatchHeader header;
  uint32_t record_bytes = 0;  // known for kValid, kBadBody
  std::string problem;        // what is wrong, for the other states
};

// Decodes the record at the start of `bytes` (the rest of the segment).
// For kValid fills `*commands` (when not null) with views into `bytes`.
RecordState DecodeRecord(std::span<const uint8_t> bytes, DecodedRecord* out,
                         std::vector<std::span<const uint8_t>>* commands);

// True when a record header with a good magic, version and header CRC
// starts at `bytes` (used to find valid data after a damaged record).
bool IsRecordHeader(std::span<const uint8_t> bytes);

}  // namespace meridian::journal::internal

#endif  // MERIDIAN_JOURNAL_INTERNAL_FORMAT_H_
