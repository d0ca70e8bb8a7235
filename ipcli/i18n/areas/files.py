"""Messages about the files a user names: inputs that are no regular file or too large, outputs that
would replace a device, a link or the register itself."""

EN = {
    "err.empty_path": "the name is empty",
    "err.file_unreadable": "cannot read {file}: {reason}",
    "err.file_unwritable": "cannot write {file}: {reason}",
    "err.input_not_regular": "{file} is {kind}: give a regular file, or - to read standard input",
    "err.input_too_large": "{file} holds more than {limit}, the most this command reads",
    "err.output_is_directory": "{file} is a directory: give a file name",
    "err.output_not_regular": "{file} is {kind}, not a regular file: it is not written to",
    "err.output_dangling_link": "{file} is a symbolic link to {target}, which does not exist: it is not written "
                                "through",
    "err.output_is_register": "{file} is the register {register} or one of its side files (-wal, -shm, "
                              "-journal): write to another file",
    "value.char_device": "a character device",
    "value.block_device": "a block device",
    "value.fifo": "a FIFO (named pipe)",
    "value.socket": "a socket",
    "value.directory": "a directory",
    "value.special_file": "a special file",
}

ZH = {
    "err.empty_path": "名称为空",
    "err.file_unreadable": "无法读取 {file}：{reason}",
    "err.file_unwritable": "无法写入 {file}：{reason}",
    "err.input_not_regular": "{file} 是{kind}：请给出普通文件，或用 - 读取标准输入",
    "err.input_too_large": "{file} 超过 {limit}，即本命令读取的上限",
    "err.output_is_directory": "{file} 是目录：请给出文件名",
    "err.output_not_regular": "{file} 是{kind}，不是普通文件：不向其写入",
    "err.output_dangling_link": "{file} 是指向 {target} 的符号链接，而该目标不存在：不经它写入",
    "err.output_is_register": "{file} 是登记簿 {register} 或其附属文件（-wal、-shm、-journal）：请写入另一个文件",
    "value.char_device": "字符设备",
    "value.block_device": "块设备",
    "value.fifo": "命名管道（FIFO）",
    "value.socket": "套接字",
    "value.directory": "目录",
    "value.special_file": "特殊文件",
}
