-- Distinct bodies and idempotency keys for every request, across languages and places.
local texts = {
  "ICE agents at Roosevelt Ave and 74th St, three vans, people being detained",
  "Agentes de ICE en Roosevelt y la 74, dos camionetas sin placas",
  "Des agents de l'ICE devant l'ecole sur la 149e rue et 3e avenue",
  "Ajan ICE nan Flatbush ak Church Ave, yo arete de moun",
  "ICE 在法拉盛缅街和罗斯福大道抓人，有三辆车",
  "Агенты ICE у станции Брайтон-Бич, две машины",
  "Agenci ICE przy Manhattan Ave w Greenpoint, trzy radiowozy",
  "ICE agents outside 26 Federal Plaza stopping people",
  "লোকজনকে আটক করছে ICE, জ্যাকসন হাইটস ৭৩ স্ট্রিট",
  "ICE 요원들이 플러싱 메인 스트리트에 있어요",
  "ICE agents at 149th and 3rd in the Bronx, two SUVs",
  "Agentes de inmigración en Sunset Park, 5ta avenida y calle 45",
}
local counter = 0

local next_id = 0

setup = function(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

-- The counter as letters: digits would read as street numbers and split one scene into many incidents.
local function letters(n)
  local out = ""
  repeat
    out = string.char(97 + n % 26) .. out
    n = math.floor(n / 26)
  until n == 0
  return out
end

request = function()
  counter = counter + 1
  local text = texts[(counter % #texts) + 1] .. " ref " .. letters(thread_id) .. letters(counter)
  local body = '{"text": "' .. text .. '"}'
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Idempotency-Key"] = "bench-" .. thread_id .. "-" .. counter .. "-" .. os.time()
  if token ~= nil then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("POST", path_override or wrk.path, headers, body)
end

init = function(args)
  token = args[1]
end
