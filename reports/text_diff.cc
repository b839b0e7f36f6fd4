#include "reports/text_diff.h"

#include <algorithm>
#include <cstdint>

namespace scalecheck::reports {
namespace {

using Units = std::vector<std::string>;

bool IsBlank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string_view Trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

bool LooksLikeXml(std::string_view body) {
  const size_t first = body.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && body[first] == '<';
}

// One unit per tag; see SplitForDiff().
Units SplitXml(std::string_view body) {
  Units units;
  std::string current;
  bool open = false;  // `current` is a start tag waiting for its end tag.
  size_t depth = 0;
  auto flush = [&] {
    if (!current.empty()) units.push_back(std::move(current));
    current.clear();
    open = false;
  };
  auto start_unit = [&](std::string_view text) {
    flush();
    current.assign(2 * depth, ' ');
    current += text;
  };
  for (size_t i = 0; i < body.size();) {
    if (body[i] != '<') {
      size_t end = body.find('<', i);
      if (end == std::string_view::npos) end = body.size();
      const std::string_view text = body.substr(i, end - i);
      i = end;
      if (IsBlank(text)) continue;
      if (open) {
        current += text;
      } else {
        start_unit(Trim(text));
        flush();
      }
      continue;
    }
    size_t end = body.find('>', i);
    end = end == std::string_view::npos ? body.size() : end + 1;
    const std::string_view tag = body.substr(i, end - i);
    i = end;
    const bool end_tag = tag.size() > 1 && tag[1] == '/';
    const bool declaration = tag.size() > 1 && (tag[1] == '?' || tag[1] == '!');
    const bool empty_element = tag.size() > 2 && tag.ends_with("/>");
    if (end_tag) {
      if (depth > 0) --depth;
      if (open) {
        current += tag;
      } else {
        start_unit(tag);
      }
      flush();
    } else if (declaration || empty_element) {
      start_unit(tag);
      flush();
    } else {
      start_unit(tag);
      open = true;
      ++depth;
    }
  }
  flush();
  return units;
}

Units SplitLines(std::string_view body) {
  Units units;
  size_t begin = 0;
  while (begin < body.size()) {
    size_t end = body.find('\n', begin);
    if (end == std::string_view::npos) end = body.size();
    units.emplace_back(body.substr(begin, end - begin));
    begin = end + 1;
  }
  return units;
}

bool IsContinuation(std::string_view text, size_t i) {
  return i < text.size() && (static_cast<uint8_t>(text[i]) & 0xC0) == 0x80;
}

// About `max` bytes of `text` from `start`, both ends moved back to UTF-8
// sequence boundaries, with "..." where something was cut.
std::string Window(std::string_view text, size_t start, size_t max) {
  start = std::min(start, text.size());
  while (start > 0 && IsContinuation(text, start)) --start;
  size_t end = std::min(text.size(), start + max);
  while (end > start && IsContinuation(text, end)) --end;
  std::string out = start > 0 ? "..." : "";
  out.append(text.substr(start, end - start));
  if (end < text.size()) out += "...";
  return out;
}

// Where to start a window of `max` bytes so the byte at `offset` is in its
// first half.
size_t WindowStart(size_t offset, size_t max) {
  return offset > max / 2 ? offset - max / 2 : 0;
}

struct Op {
  DiffOp op;
  const std::string* text;
};

// The units of `a` and `b` as equal, expected-only and actual-only units,
// with each run of changes listed as its expected units, then its actual.
std::vector<Op> Align(const Units& a, const Units& b, size_t max_cells) {
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) {
    ++prefix;
  }
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  const size_t n = a.size() - prefix - suffix;
  const size_t m = b.size() - prefix - suffix;

  std::vector<Op> ops;
  for (size_t i = 0; i < prefix; ++i) ops.push_back({DiffOp::kEqual, &a[i]});
  if ((n + 1) * (m + 1) <= max_cells) {
    // lcs[i * (m + 1) + j]: length of the LCS of a[prefix + i..] and
    // b[prefix + j..] within the middle.
    std::vector<uint32_t> lcs((n + 1) * (m + 1), 0);
    auto at = [&](size_t i, size_t j) -> uint32_t& {
      return lcs[i * (m + 1) + j];
    };
    for (size_t i = n; i-- > 0;) {
      for (size_t j = m; j-- > 0;) {
        at(i, j) = a[prefix + i] == b[prefix + j]
                       ? at(i + 1, j + 1) + 1
                       : std::max(at(i + 1, j), at(i, j + 1));
      }
    }
    std::vector<Op> removed, added;
    auto flush_changes = [&] {
      ops.insert(ops.end(), removed.begin(), removed.end());
      ops.insert(ops.end(), added.begin(), added.end());
      removed.clear();
      added.clear();
    };
    size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[prefix + i] == b[prefix + j]) {
        flush_changes();
        ops.push_back({DiffOp::kEqual, &a[prefix + i]});
        ++i;
        ++j;
      } else if (j == m || (i < n && at(i + 1, j) >= at(i, j + 1))) {
        removed.push_back({DiffOp::kExpected, &a[prefix + i++]});
      } else {
        added.push_back({DiffOp::kActual, &b[prefix + j++]});
      }
    }
    flush_changes();
  } else {
    for (size_t i = 0; i < n; ++i) {
      ops.push_back({DiffOp::kExpected, &a[prefix + i]});
    }
    for (size_t j = 0; j < m; ++j) {
      ops.push_back({DiffOp::kActual, &b[prefix + j]});
    }
  }
  for (size_t i = a.size() - suffix; i < a.size(); ++i) {
    ops.push_back({DiffOp::kEqual, &a[i]});
  }
  return ops;
}

// Turns aligned units into lines: elides long equal runs and cuts long
// changed lines.
std::vector<DiffLine> Render(const std::vector<Op>& ops,
                             const DiffOptions& options) {
  std::vector<DiffLine> lines;
  const size_t max = options.max_line_bytes;
  for (size_t begin = 0; begin < ops.size();) {
    size_t end = begin;
    if (ops[begin].op == DiffOp::kEqual) {
      while (end < ops.size() && ops[end].op == DiffOp::kEqual) ++end;
      const bool leading = begin == 0;
      const bool trailing = end == ops.size();
      const size_t run = end - begin;
      const size_t keep_before = leading ? 0 : options.context;
      const size_t keep_after = trailing ? 0 : options.context;
      if (run >= keep_before + keep_after + 2) {
        for (size_t k = begin; k < begin + keep_before; ++k) {
          lines.push_back({DiffOp::kEqual, *ops[k].text, 0});
        }
        lines.push_back({DiffOp::kElided, "", run - keep_before - keep_after});
        for (size_t k = end - keep_after; k < end; ++k) {
          lines.push_back({DiffOp::kEqual, *ops[k].text, 0});
        }
      } else {
        for (size_t k = begin; k < end; ++k) {
          lines.push_back({DiffOp::kEqual, *ops[k].text, 0});
        }
      }
      begin = end;
      continue;
    }
    size_t removed_end = begin;
    while (removed_end < ops.size() &&
           ops[removed_end].op == DiffOp::kExpected) {
      ++removed_end;
    }
    end = removed_end;
    while (end < ops.size() && ops[end].op == DiffOp::kActual) ++end;
    const size_t removed = removed_end - begin;
    const size_t added = end - removed_end;
    // Paired lines are cut around the same offset, so the two windows line up.
    auto cut = [&](size_t k) -> std::string {
      const std::string& text = *ops[k].text;
      const size_t index = k < removed_end ? k - begin : k - removed_end;
      if (index < std::min(removed, added)) {
        const std::string& a = *ops[begin + index].text;
        const std::string& b = *ops[removed_end + index].text;
        if (a.size() <= max && b.size() <= max) return text;
        return Window(text, WindowStart(FirstDifference(a, b), max), max);
      }
      return text.size() <= max ? text : Window(text, 0, max);
    };
    for (size_t k = begin; k < end; ++k) {
      lines.push_back({ops[k].op, cut(k), 0});
    }
    begin = end;
  }
  return lines;
}

}  // namespace

std::vector<std::string> SplitForDiff(std::string_view body) {
  return LooksLikeXml(body) ? SplitXml(body) : SplitLines(body);
}

std::vector<DiffLine> DiffBodies(std::string_view expected,
                                 std::string_view actual,
                                 const DiffOptions& options) {
  if (expected == actual) return {};
  const bool xml = LooksLikeXml(expected) || LooksLikeXml(actual);
  const Units a = xml ? SplitXml(expected) : SplitLines(expected);
  const Units b = xml ? SplitXml(actual) : SplitLines(actual);
  if (a == b) {
    // Only bytes the units do not show differ: show them raw.
    const size_t start =
        WindowStart(FirstDifference(expected, actual), options.max_line_bytes);
    return {
        {DiffOp::kExpected, Window(expected, start, options.max_line_bytes), 0},
        {DiffOp::kActual, Window(actual, start, options.max_line_bytes), 0}};
  }
  return Render(Align(a, b, options.max_cells), options);
}

size_t FirstDifference(std::string_view a, std::string_view b) {
  const size_t common = std::min(a.size(), b.size());
  for (size_t i = 0; i < common; ++i) {
    if (a[i] != b[i]) return i;
  }
  return a.size() == b.size() ? std::string_view::npos : common;
}

}  // namespace scalecheck::reports
