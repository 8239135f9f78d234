// Encoding and decoding of the journal format defined in format.h.
#include "journal/internal/format.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "core/assert.h"
#include "core/bytes.h"

namespace meridian::journal::internal {
namespace {

uint32_t LoadU32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
uint64_t LoadU64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
uint16_t LoadU16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
void StoreU16(uint8_t* p, uint16_t v) { std::memcpy(p, &v, sizeof v); }
void StoreU32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, sizeof v); }
void StoreU64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, sizeof v); }

bool AllZero(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

constexpr size_t kSegmentCrcOffset = 60;

}  // namespace

std::string SegmentFileName(uint32_t number) {
  char name[32];
  std::snprintf(name, sizeof name, "segment-%06" PRIu32 ".log", number);
  return name;
}

std::optional<uint32_t> ParseSegmentFileName(std::string_view name) {
  constexpr std::string_view kPrefix = "segment-";
  constexpr std::string_view kSuffix = ".log";
  if (name.size() != kPrefix.size() + 6 + kSuffix.size() ||
      !name.starts_with(kPrefix) || !name.ends_with(kSuffix)) {
    return std::nullopt;
  }
  uint32_t number = 0;
  for (char c : name.substr(kPrefix.size(), 6)) {
    if (c < '0' || c > '9') return std::nullopt;
    number = number * 10 + static_cast<uint32_t>(c - '0');
  }
  if (number == 0) return std::nullopt;
  return number;
}

void EncodeSegmentHeader(uint32_t number, uint64_t size_bytes,
                         uint8_t out[kSegmentHeaderBytes]) {
  std::memset(out, 0, kSegmentHeaderBytes);
  std::memcpy(out, kSegmentMagic, sizeof kSegmentMagic);
  StoreU32(out + 8, kFormatVersion);
  StoreU32(out + 12, number);
  StoreU64(out + 16, size_bytes);
  StoreU32(out + kSegmentCrcOffset, Crc32c(out, kSegmentCrcOffset));
}

std::string CheckSegmentHeader(std::span<const uint8_t> header, uint32_t number,
                               uint64_t file_size_bytes) {
  if (header.size() < kSegmentHeaderBytes) {
    return "file is " + std::to_string(header.size()) +
           " bytes, shorter than a segment header";
  }
  const uint8_t* p = header.data();
  if (std::memcmp(p, kSegmentMagic, sizeof kSegmentMagic) != 0) {
    return "not a journal segment (bad magic)";
  }
  if (Crc32c(p, kSegmentCrcOffset) != LoadU32(p + kSegmentCrcOffset)) {
    return "segment header CRC mismatch";
  }
  if (LoadU32(p + 8) != kFormatVersion) {
    return "unsupported segment format version " +
           std::to_string(LoadU32(p + 8));
  }
  if (LoadU32(p + 12) != number) {
    return "header says segment " + std::to_string(LoadU32(p + 12));
  }
  uint64_t size_bytes = LoadU64(p + 16);
  if (size_bytes != file_size_bytes) {
    return "header says the segment is " + std::to_string(size_bytes) +
           " bytes but the file is " + std::to_string(file_size_bytes);
  }
  if (size_bytes < kMinSegmentBytes || size_bytes > kMaxSegmentBytes) {
    return "segment size " + std::to_string(size_bytes) + " out of range";
  }
  if (!AllZero(p + 24, kSegmentCrcOffset - 24)) {
    return "reserved segment header bytes are not zero";
  }
  return "";
}

void EncodeBatchHeader(const BatchHeader& h, uint8_t out[kBatchHeaderBytes]) {
  StoreU64(out + 0, h.seq);
  StoreU64(out + 8, h.first_command_index);
  StoreU32(out + 16, h.command_count);
  StoreU64(out + 20, static_cast<uint64_t>(h.time_ns));
  std::memcpy(out + 28, h.prev_hash.data(), 32);
  std::memcpy(out + 60, h.merkle_root.data(), 32);
}

BatchHeader DecodeBatchHeader(const uint8_t in[kBatchHeaderBytes]) {
  BatchHeader h;
  h.seq = LoadU64(in + 0);
  h.first_command_index = LoadU64(in + 8);
  h.command_count = LoadU32(in + 16);
  h.time_ns = static_cast<int64_t>(LoadU64(in + 20));
  std::memcpy(h.prev_hash.data(), in + 28, 32);
  std::memcpy(h.merkle_root.data(), in + 60, 32);
  return h;
}

void FinishRecord(const BatchHeader& header, uint32_t payload_bytes,
                  std::span<uint8_t> record) {
  MERIDIAN_CHECK(record.size() >= kRecordHeaderBytes &&
                 record.size() % kRecordAlignmentBytes == 0 &&
                 record.size() <= kMaxRecordBytesLimit)
      << record.size();
  MERIDIAN_CHECK(RecordBytes(0, payload_bytes) == record.size());
  uint8_t* p = record.data();
  std::memset(p, 0, kRecordHeaderBytes);
  std::memcpy(p, kRecordMagic, sizeof kRecordMagic);
  StoreU16(p + 4, kFormatVersion);
  StoreU16(p + 6, kRecordHeaderBytes);
  StoreU32(p + kRecordBytesOffset, static_cast<uint32_t>(record.size()));
  StoreU32(p + kPayloadBytesOffset, payload_bytes);
  EncodeBatchHeader(header, p + kBatchHeaderOffset);
  StoreU32(p + kBodyCrcOffset,
           Crc32c(p + kRecordHeaderBytes, record.size() - kRecordHeaderBytes));
  StoreU32(p + kHeaderCrcOffset, Crc32c(p, kHeaderCrcOffset));
}

bool IsRecordHeader(std::span<const uint8_t> bytes) {
  if (bytes.size() < kRecordHeaderBytes) return false;
  const uint8_t* p = bytes.data();
  return std::memcmp(p, kRecordMagic, sizeof kRecordMagic) == 0 &&
         Crc32c(p, kHeaderCrcOffset) == LoadU32(p + kHeaderCrcOffset);
}

RecordState DecodeRecord(std::span<const uint8_t> bytes, DecodedRecord* out,
                         std::vector<std::span<const uint8_t>>* commands) {
  out->problem.clear();
  out->record_bytes = 0;
  const uint8_t* p = bytes.data();
  size_t header_window = std::min<size_t>(bytes.size(), kRecordHeaderBytes);
  if (AllZero(p, header_window)) return RecordState::kEmpty;
  if (bytes.size() < kRecordHeaderBytes) {
    out->problem = "non-zero bytes in the last " +
                   std::to_string(bytes.size()) +
                   " bytes of the segment, too few for a record header";
    return RecordState::kBadHeader;
  }
  if (std::memcmp(p, kRecordMagic, sizeof kRecordMagic) != 0) {
    out->problem = "bad record magic";
    return RecordState::kBadHeader;
  }
  if (Crc32c(p, kHeaderCrcOffset) != LoadU32(p + kHeaderCrcOffset)) {
    out->problem = "record header CRC mismatch";
    return RecordState::kBadHeader;
  }
  // The header is what a writer wrote; from here on a problem is damage
  // that happened to keep the CRC, or a writer bug: never a torn write.
  uint16_t version = LoadU16(p + 4);
  uint16_t header_bytes = LoadU16(p + 6);
  uint32_t record_bytes = LoadU32(p + kRecordBytesOffset);
  uint32_t payload_bytes = LoadU32(p + kPayloadBytesOffset);
  out->header = DecodeBatchHeader(p + kBatchHeaderOffset);
  const BatchHeader& h = out->header;
  if (version != kFormatVersion || header_bytes != kRecordHeaderBytes) {
    out->problem = "unsupported record format version " +
                   std::to_string(version) + " / header size " +
                   std::to_string(header_bytes);
    return RecordState::kMalformed;
  }
  if (!AllZero(p + 112, kHeaderCrcOffset - 112)) {
    out->problem = "reserved record header bytes are not zero";
    return RecordState::kMalformed;
  }
  if (record_bytes > kMaxRecordBytesLimit ||
      record_bytes != RecordBytes(0, payload_bytes)) {
    out->problem = "record_bytes " + std::to_string(record_bytes) +
                   " does not fit payload_bytes " +
                   std::to_string(payload_bytes);
    return RecordState::kMalformed;
  }
  if (record_bytes > bytes.size()) {
    out->problem = "record of " + std::to_string(record_bytes) +
                   " bytes runs past the end of the segment (" +
                   std::to_string(bytes.size()) + " bytes left)";
    return RecordState::kMalformed;
  }
  if (h.command_count > kMaxCommandsPerBatch) {
    out->problem =
        "command_count " + std::to_string(h.command_count) + " over the limit";
    return RecordState::kMalformed;
  }
  out->record_bytes = record_bytes;
  if (Crc32c(p + kRecordHeaderBytes, record_bytes - kRecordHeaderBytes) !=
      LoadU32(p + kBodyCrcOffset)) {
    out->problem = "record body CRC mismatch (record of " +
                   std::to_string(record_bytes) + " bytes)";
    return RecordState::kBadBody;
  }
  if (commands != nullptr) commands->clear();
  ByteReader reader(p + kRecordHeaderBytes, payload_bytes);
  for (uint32_t i = 0; i < h.command_count; ++i) {
    std::string_view command;
    if (!reader.Bytes(&command)) {
      out->problem = "command " + std::to_string(i) + " of " +
                     std::to_string(h.command_count) + " runs past the payload";
      return RecordState::kMalformed;
    }
    if (commands != nullptr) {
      commands->emplace_back(reinterpret_cast<const uint8_t*>(command.data()),
                             command.size());
    }
  }
  if (reader.remaining() != 0) {
    out->problem = std::to_string(reader.remaining()) +
                   " payload bytes left over after the last command";
    return RecordState::kMalformed;
  }
  if (!AllZero(p + kRecordHeaderBytes + payload_bytes,
               record_bytes - kRecordHeaderBytes - payload_bytes)) {
    out->problem = "record padding is not zero";
    return RecordState::kMalformed;
  }
  return RecordState::kValid;
}

}  // namespace meridian::journal::internal
