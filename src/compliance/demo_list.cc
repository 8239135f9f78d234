#include "compliance/demo_list.h"

namespace meridian::compliance {

std::vector<ListEntry> DemoListEntries() {
  auto person = [](std::string id, std::string name,
                   std::vector<std::string> aliases, std::string country,
                   std::string dob) {
    ListEntry e;
    e.list = "DEMO";
    e.source_id = std::move(id);
    e.type = EntityType::kIndividual;
    e.name = std::move(name);
    e.aliases = std::move(aliases);
    e.countries = {std::move(country)};
    e.dates_of_birth = {std::move(dob)};
    e.programs = "demo data: check the official lists";
    return e;
  };
  auto entity = [](std::string id, std::string name,
                   std::vector<std::string> aliases, std::string country) {
    ListEntry e;
    e.list = "DEMO";
    e.source_id = std::move(id);
    e.type = EntityType::kEntity;
    e.name = std::move(name);
    e.aliases = std::move(aliases);
    e.countries = {std::move(country)};
    e.programs = "demo data: check the official lists";
    return e;
  };
  return {
      person("D1", "BOUT, Viktor Anatolijevitch",
             {"BUT, Viktor", "BOUTOV, Victor", "Виктор Бут"}, "RU",
             "1967-01-13"),
      person("D2", "KIM, Jong Un", {"Kim Jong-un", "김정은"}, "KP",
             "1984-01-08"),
      person("D3", "MADURO MOROS, Nicolas", {"Nicolás Maduro"}, "VE",
             "1962-11-23"),
      person("D4", "LUKASHENKO, Alexander Grigoryevich",
             {"Aliaksandr Lukashenka", "Александр Лукашенко"}, "BY",
             "1954-08-30"),
      person("D5", "PRIGOZHIN, Yevgeniy Viktorovich",
             {"Evgeny Prigozhin", "Евгений Пригожин"}, "RU", "1961-06-01"),
      person("D6", "KADYROV, Ramzan Akhmatovich", {"Рамзан Кадыров"}, "RU",
             "1976-10-05"),
      entity("D7", "BANCO NACIONAL DE CUBA", {"National Bank of Cuba"}, "CU"),
      entity("D8", "ISLAMIC REVOLUTIONARY GUARD CORPS",
             {"IRGC", "Sepah Pasdaran", "سپاه پاسداران انقلاب اسلامی"}, "IR"),
      entity("D9", "KOREA MINING DEVELOPMENT TRADING CORPORATION",
             {"KOMID", "Changgwang Sinyong Corporation"}, "KP"),
      entity("D10", "MAHAN AIR", {"Mahan Air Company", "ماهان"}, "IR"),
      entity("D11", "PMC WAGNER", {"Wagner Group", "ЧВК Вагнер"}, "RU"),
      entity("D12", "TORNADO CASH", {}, ""),
  };
}

}  // namespace meridian::compliance
