#include "harness/validate.h"

#include <map>
#include <string>

#include "harness/scenario_loader.h"

namespace scalecheck::harness {

ExitCode RunValidate(const std::vector<std::string>& paths, std::ostream& out,
                     std::ostream& err) {
  const core::Result<std::vector<std::string>> files = FindScenarioFiles(paths);
  if (!files.ok()) {
    err << files.status().message() << "\n";
    return ExitCode::kUsage;
  }
  if (files->empty()) {
    err << "scalecheck: no scenario files found\n";
    return ExitCode::kUsage;
  }
  bool all_valid = true;
  std::map<std::string, std::string> file_of_id;
  for (const std::string& file : *files) {
    const core::Result<Scenario> scenario = LoadScenario(file);
    if (!scenario.ok()) {
      err << scenario.status().message() << "\n";
      all_valid = false;
      continue;
    }
    const auto [it, inserted] = file_of_id.emplace(scenario->id, file);
    if (!inserted) {
      err << file << ": scenario id '" << scenario->id << "' is also the id of "
          << it->second << "\n";
      all_valid = false;
      continue;
    }
    const size_t steps = scenario->steps.size();
    out << "ok " << file << " (" << scenario->id << ", " << steps
        << (steps == 1 ? " step)" : " steps)") << "\n";
  }
  return all_valid ? ExitCode::kOk : ExitCode::kUsage;
}

}  // namespace scalecheck::harness
