-- wrk: POST one pin per request, each with its own unique_id (so records spread over the partitions by key)
local counter = 0
local thread_id = 0
function setup(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end
request = function()
  counter = counter + 1
  local id = tostring(tid or 0) .. "-" .. tostring(counter)
  local body = '{"index":' .. counter .. ',"unique_id":"bench-' .. id .. '","title":"Cozy cabin in the woods",'
    .. '"description":"A weekend project with reclaimed wood and a lot of patience, step by step",'
    .. '"poster_name":"Ada","follower_count":"1.5M","tag_list":"diy,wood,cabin","is_image_or_video":"image",'
    .. '"image_src":"https://example.com/images/cabin.jpg","downloaded":1,'
    .. '"save_location":"Local save in /data/diy","category":"diy"}'
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
